/* The indicator dashboard: each panel fetches its JSON and draws it with Chart.js. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || !window.Chart) { return; }
  var marker = root.dataset.marker;
  var palette = ["#1f5a96", "#d9822b", "#3a8d3f", "#9b3b8f", "#6b6b6b"];

  // Long labels (function names) are wrapped onto lines of about 28 characters.
  function wrap(label) {
    if (typeof label !== "string" || label.length <= 28) { return label; }
    var lines = [], line = "";
    label.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > 28) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function numeric(v) { return (v === marker || v === null || v === undefined) ? null : v; }

  function fillTable(table, data) {
    table.textContent = "";
    var head = table.createTHead().insertRow();
    data.columns.forEach(function (c) {
      var th = document.createElement("th"); th.scope = "col"; th.textContent = c; head.appendChild(th);
    });
    var body = table.createTBody();
    data.rows.forEach(function (r) {
      var tr = body.insertRow();
      r.forEach(function (v) {
        var td = tr.insertCell();
        td.textContent = (v === null || v === undefined) ? "—" : String(v);
        if (v === marker) { td.title = root.dataset.hidden; }
      });
    });
  }

  function chart_type(data) { return data.chart && data.chart.type; }

  function draw(panel, data) {
    panel.querySelector(".indicator-title").textContent = data.title;
    panel.querySelector(".indicator-note").textContent = data.note || "";
    fillTable(panel.querySelector(".indicator-table"), data);
    var canvas = panel.querySelector("canvas");
    if (chart_type(data) === "none") {
      panel.querySelector(".chart-box").style.display = "none";
      panel.setAttribute("data-ready", "1");
      return;
    }
    canvas.setAttribute("aria-label", data.title);
    var chart = data.chart;
    var datasets = chart.series.map(function (s, i) {
      return {
        type: chart.type, label: s.label, data: s.data.map(numeric),
        backgroundColor: palette[i % palette.length], borderColor: palette[i % palette.length],
        spanGaps: true
      };
    });
    (chart.lines || []).forEach(function (line, i) {
      datasets.push({
        type: "line", label: line.label, data: chart.labels.map(function () { return line.value; }),
        borderColor: ["#c0392b", "#8e44ad"][i % 2], borderDash: [6, 4], pointRadius: 0,
        fill: false, borderWidth: 2
      });
    });
    var horizontal = !!chart.horizontal;
    var valueAxis = { beginAtZero: true };
    // Every category is labelled (Chart.js would skip some on a crowded axis).
    var categoryAxis = { ticks: { autoSkip: false } };
    if (chart.max) { valueAxis.suggestedMax = chart.max; }
    new window.Chart(canvas, {
      type: chart.type === "line" ? "line" : "bar",
      data: { labels: chart.labels.map(wrap), datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: horizontal ? "y" : "x",
        locale: root.dataset.locale || "lv",
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { y: valueAxis, x: categoryAxis },
        plugins: { legend: { position: "bottom" } }
      }
    });
    panel.setAttribute("data-ready", "1");
  }

  Array.prototype.forEach.call(root.querySelectorAll(".indicator"), function (panel) {
    panel.querySelector(".indicator-note").textContent = root.dataset.loading;
    fetch(panel.dataset.json, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (resp) {
        return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
      })
      .then(function (res) {
        if (!res.ok) { throw new Error(res.body.error || root.dataset.failed); }
        draw(panel, res.body);
      })
      .catch(function (err) {
        var note = panel.querySelector(".indicator-note");
        note.textContent = err.message || root.dataset.failed;
        note.className = "indicator-note text-danger";
        panel.setAttribute("data-ready", "error");
      });
  });
}());

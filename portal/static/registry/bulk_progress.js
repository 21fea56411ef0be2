/* The bulk registry query's progress: polls the counts (read from the database, so a
   reload shows the same) and reloads the page once, when it finishes, to list the answers. */
(function () {
  "use strict";
  var root = document.getElementById("bulk-progress");
  if (!root || root.dataset.finished === "true") { return; }
  function set(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = String(value); }
  }
  function poll() {
    fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { window.setTimeout(poll, 5000); return; }
        var bar = document.getElementById("bulk-bar");
        bar.style.width = p.percent + "%";
        bar.setAttribute("aria-valuenow", p.percent);
        set("bulk-percent", p.percent);
        set("bulk-done", p.done);
        set("bulk-total", p.total);
        set("bulk-answered", p.answered);
        set("bulk-unknown", p.unknown_person);
        set("bulk-failed", p.failed);
        if (p.finished) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();

/* Long texts of PLUS: a counter under each textarea with a limit ("120 no 5000 rakstzīmēm").
   The text comes from the counter's data-template (the catalogue's, with {count} for the
   number), so no words live here. Loaded with `defer` by each counted field: runs once. */
(function () {
  "use strict";
  if (window.plusCountReady) { return; }
  window.plusCountReady = true;
  function length(text) {
    return text.replace(/\r\n/g, "\n").length;
  }
  function setUp() {
    var counters = document.querySelectorAll(".plus-count[data-template]");
    Array.prototype.forEach.call(counters, function (counter) {
      var id = counter.id.replace(/-count$/, "");
      var area = document.getElementById(id);
      if (!area) { return; }
      var update = function () {
        counter.textContent = counter.dataset.template.replace("{count}", String(length(area.value)));
      };
      area.addEventListener("input", update);
      update();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());

/* Date fields of PLUS: typed as dd.mm.yyyy, with FAB's bundled bootstrap-datepicker as the
   calendar. Month and day names come from the field's data attributes (Babel's locale data),
   so no text lives here. Loaded with `defer` by each date field: runs once, after jQuery. */
(function () {
  "use strict";
  if (window.plusDateReady) { return; }
  window.plusDateReady = true;
  function setUp() {
    var $ = window.jQuery;
    if (!$ || !$.fn || !$.fn.datepicker) { return; }
    var first = document.querySelector(".plus-date input");
    if (first && first.dataset.months) {
      $.fn.datepicker.dates.plus = {
        days: first.dataset.daysMin.split("|"),
        daysShort: first.dataset.daysMin.split("|"),
        daysMin: first.dataset.daysMin.split("|"),
        months: first.dataset.months.split("|"),
        monthsShort: first.dataset.monthsShort.split("|"),
        today: "", clear: "", format: "dd.mm.yyyy", weekStart: 1
      };
    }
    $(".plus-date input").each(function () {
      var $input = $(this);
      $input.datepicker({
        format: "dd.mm.yyyy", weekStart: 1, language: "plus", autoclose: true,
        forceParse: false, showOnFocus: false, todayHighlight: true,
        orientation: "bottom auto", container: "body"
      });
      $input.closest(".plus-date").find(".plus-date-open").on("click", function () {
        $input.datepicker("show");
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();

/* Pickers of a case or a client (portal/views/case_context.py): Select2 asks the server as
   the user types, so the form starts empty and no page lists every case of the unit. */
(function () {
  "use strict";
  function setup() {
    if (!window.jQuery || !jQuery.fn.select2) { return; }
    jQuery("select.plus-picker").each(function () {
      var el = jQuery(this);
      if (el.data("select2")) { return; }
      el.select2({
        width: "100%",
        allowClear: true,
        placeholder: el.data("placeholder"),
        minimumInputLength: 0,
        language: {
          searching: function () { return el.data("searching"); },
          noResults: function () { return el.data("no-results"); }
        },
        ajax: {
          url: el.data("endpoint"),
          dataType: "json",
          delay: 200,
          data: function (params) { return { q: params.term || "" }; },
          processResults: function (data) { return { results: data.results }; }
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();

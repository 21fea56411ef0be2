/* The client form: the date of birth is asked for a new-form personal code (starting with 32)
   only, because an old-form code carries the date. The field's row is hidden otherwise; the
   server applies the same rule whether or not this script runs. No text lives here. */
(function () {
  "use strict";
  function setUp() {
    var code = document.querySelector("input[name='personal_code']");
    var born = document.querySelector("input[name='birth_date']");
    if (!code || !born) { return; }
    var row = born.closest("tr") || born.closest(".form-group") || born.parentNode;
    function toggle() {
      var digits = code.value.replace(/\s+/g, "");
      var hasError = row.querySelector(".text-danger, .has-error, .alert-danger");
      row.hidden = !(digits.indexOf("32") === 0 || hasError);
    }
    code.addEventListener("input", toggle);
    toggle();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());

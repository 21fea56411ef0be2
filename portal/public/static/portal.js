/* Progressive enhancement for portal forms. Everything works without it: the server shows
   every field and ignores those a condition hides. With scripts, such fields are hidden as
   the user answers (Form.io's simple conditions), and the error summary takes the focus. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  var form = document.querySelector("form[data-formio]");
  if (!form || !window.JSON || !document.querySelectorAll) { return; }
  var conditional = Array.prototype.slice.call(form.querySelectorAll("[data-condition]"));
  if (!conditional.length) { return; }

  function inHidden(el) {
    for (var node = el; node && node !== form; node = node.parentElement) {
      if (node.hidden) { return true; }
    }
    return false;
  }

  function valueOf(name) {
    var els = Array.prototype.filter.call(form.elements, function (e) { return e.name === name; });
    if (!els.length) { return undefined; }
    if (inHidden(els[0])) { return ""; }  // a hidden field is cleared, as in Form.io
    var kind = els[0].getAttribute("data-kind") || els[0].type;
    if (kind === "radio") {
      var chosen = els.filter(function (e) { return e.checked; });
      return chosen.length ? chosen[0].value : "";
    }
    if (kind === "checkbox") { return els[0].checked; }
    if (kind === "selectboxes") {
      var boxes = {};
      els.forEach(function (e) { boxes[e.value] = e.checked; });
      return boxes;
    }
    if (els[0].multiple) {
      return Array.prototype.filter.call(els[0].options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
    }
    return els[0].value;
  }

  function rowPrefix(el) {
    var named = el.querySelector("[name]");
    var m = named && /^(.+?\[\d+\])\[/.exec(named.name);
    return m ? m[1] : null;
  }

  function lookup(el, spec, key) {
    key = String(key).split(".").pop();
    if (spec.grid) {
      var prefix = rowPrefix(el);
      if (prefix) {
        var inRow = valueOf(prefix + "[" + key + "]");
        if (inRow !== undefined) { return inRow; }
      }
    }
    return valueOf(key);
  }

  function str(v) { return v === undefined ? "undefined" : v === null ? "null" : String(v); }

  function equal(value, compared) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return Boolean(value[str(compared)]);
    }
    if (Array.isArray(value)) {
      return value.some(function (v) { return equal(v, compared); });
    }
    return str(value) === str(compared);
  }

  function visible(el) {
    var spec;
    try { spec = JSON.parse(el.getAttribute("data-condition")); } catch (e) { return true; }
    if (spec.when) {
      var value = lookup(el, spec, spec.when);
      var eq = str(spec.eq), show = str(spec.show);
      if (value && typeof value === "object" && !Array.isArray(value) && eq in value) {
        return str(value[eq]) === show;
      }
      if (Array.isArray(value) && value.map(str).indexOf(eq) >= 0) { return show === "true"; }
      return (str(value) === eq) === (show === "true");
    }
    var results = (spec.conditions || []).map(function (c) {
      var r = equal(lookup(el, spec, c.component), c.value);
      return c.operator === "isNotEqual" ? !r : r;
    });
    var result = spec.conjunction === "any" ? results.some(Boolean) : results.every(Boolean);
    var showIt = spec.show === true || spec.show === "true";
    return showIt ? result : !result;
  }

  function update() {
    // Hiding one field can hide another that depends on it: repeat until nothing changes.
    for (var round = 0; round < 5; round++) {
      var changed = false;
      conditional.forEach(function (el) {
        // A field the server found an error in stays visible, so the error can be fixed.
        var hide = !visible(el) && !el.querySelector(".field-error") && !el.classList.contains("has-error");
        if (el.hidden !== hide) { el.hidden = hide; changed = true; }
      });
      if (!changed) { break; }
    }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();

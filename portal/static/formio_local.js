/* Keep @formio/js on this server. Load right after vendor/formio/formio.full.min.js:
 *
 *   <script src="/static/vendor/formio/formio.full.min.js"></script>
 *   <script src="/static/formio_local.js" data-cdn="/static/vendor/formio-cdn"
 *           data-api="/formadmin/"></script>
 *
 * - Libraries @formio/js loads at run time (ace, flatpickr, moment-timezone zone data) come
 *   from our vendored copy (`make vendor`); one that is not vendored fails locally instead of
 *   being fetched from cdn.form.io.
 * - Its API and project URLs (asked for project settings and resource fields) point at this
 *   server (data-api, default "/"), never at api.form.io.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var origin = window.location.origin;
  var cdn = (script && script.getAttribute('data-cdn')) || '/static/vendor/formio-cdn';
  var api = (script && script.getAttribute('data-api')) || '/';
  Formio.cdn.setBaseUrl(origin + cdn);
  Formio.setBaseUrl(origin + api);
  Formio.setProjectUrl(origin + api);
})();

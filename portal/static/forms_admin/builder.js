/* The FormAdmin builder page: the official @formio/js builder, limited to what the server
 * enforces, plus the parts of a PLUS definition the builder does not know (titles, audience,
 * English texts, data mapping). Saving posts the whole definition; the server decides and
 * answers the problems per component. Nothing here loads from the internet. */
(function () {
  'use strict';

  var cfg = JSON.parse(document.getElementById('builder-config').textContent);
  var T = cfg.texts;
  var original = cfg.schema;
  var plus = JSON.parse(JSON.stringify(original.plus || {}));
  var i18n = JSON.parse(JSON.stringify(original.i18n || {}));
  var intake = Array.isArray(plus.intake) ? plus.intake : [];
  var builder = null;

  // No CDN, no form.io servers: formio_local.js (loaded before this file) set that up.

  // ---- Builder options ---------------------------------------------------------------------
  var FIELD_TYPES = ['textfield', 'textarea', 'number', 'currency', 'email', 'phoneNumber',
    'select', 'radio', 'selectboxes', 'checkbox', 'day', 'datetime', 'file', 'tags'];
  var LAYOUT_TYPES = ['panel', 'fieldset', 'columns', 'datagrid', 'editgrid', 'container',
    'content'];
  function pick(types) {
    var out = {};
    types.forEach(function (t) { if (cfg.types.indexOf(t) >= 0) { out[t] = true; } });
    return out;
  }
  function ignore(keys) {
    return keys.map(function (key) { return { key: key, ignore: true }; });
  }
  // Settings the server cannot enforce are not offered (it would refuse them on save).
  var COMMON_EDIT_FORM = [
    { key: 'logic', ignore: true },
    { key: 'layout', ignore: true },
    { key: 'api', components: ignore(['tags', 'properties']) },
    // Advanced conditions stay: their JSON Logic runs on the server (JavaScript is refused).
    { key: 'conditional', components: [] },
    {
      key: 'data',
      components: ignore(['persistent', 'protected', 'dbIndex', 'encrypted', 'redrawOn',
        'calculateServer', 'allowCalculateOverride', 'serverOverride', 'customDefaultValuePanel',
        'dataSrc', 'valueProperty', 'dataType', 'idPath', 'template',
        'refreshOn', 'clearOnRefresh', 'searchEnabled', 'selectThreshold', 'customOptions',
        'useExactSearch', 'authenticate', 'ignoreCache', 'lazyLoad', 'selectValues',
        'disableLimit', 'sort', 'searchField', 'minSearch', 'filter', 'limit',
        'truncateMultipleSpaces', 'inputFormat', 'case', 'customDefaultValue',
        'enableManualMode', 'provider', 'storage', 'dir', 'fileNameTemplate', 'url',
        'options', 'webcam', 'webcamSize', 'privateDownload', 'image', 'imageSize',
        'uploadOnly', 'multipleMasks', 'inputMasks', 'allowMultipleMasks'])
    },
    {
      key: 'validation',
      components: ignore(['validateWhenHidden', 'validate.integer',
        'validate.minYear', 'validate.maxYear', 'validate.strictDateValidation',
        'validate.customPrivate', 'validateOn', 'kickbox'])
    },
    {
      key: 'display',
      components: ignore(['modalEdit', 'widget.type', 'inputMask', 'displayMask',
        'allowMultipleMasks', 'inputMasks', 'editor', 'wysiwyg', 'isUploadEnabled',
        'uploadStorage', 'uploadUrl', 'uploadOptions', 'uploadDir', 'fileKey',
        'customOptions', 'shortcutButtons', 'autocomplete', 'spellcheck', 'tableView'])
    }
  ];
  var editForm = {};
  cfg.types.forEach(function (t) { editForm[t] = COMMON_EDIT_FORM; });
  // Dates: no min/max (the server does not enforce them) and no free-form picker options.
  editForm.datetime = COMMON_EDIT_FORM.concat([
    { key: 'date', components: ignore(['datePicker.minDate', 'datePicker.maxDate',
      'enableMinDateInput', 'enableMaxDateInput', 'datePicker.disable',
      'datePicker.disableFunction', 'datePicker.disableWeekends', 'datePicker.disableWeekdays',
      'customOptions']) },
    { key: 'time', components: [] }
  ]);
  // Editgrid: no drafts (an invalid row would be stored) and no JavaScript row validation.
  editForm.editgrid = COMMON_EDIT_FORM.concat([
    { key: 'display', components: ignore(['rowDrafts', 'modal', 'inlineEdit', 'templates']) },
    { key: 'validation', components: ignore(['validate.row']) }
  ]);
  editForm.day = COMMON_EDIT_FORM.concat([
    { key: 'day', components: ignore(['fields.day.hide', 'fields.month.hide',
      'fields.year.hide']) },
    { key: 'validation', components: ignore(['maxDate', 'minDate']) }
  ]);

  // The content component edits its HTML with CKEditor from the form.io CDN; edit it as
  // HTML source instead (sanitised by the server when shown in the portal).
  (function () {
    var Content = Formio.Components.components.content;
    var base = Content.editForm;
    Content.editForm = function () {
      var form = base.apply(this, arguments);
      (form.components || []).forEach(function (c) {
        if (c.key === 'html') { c.editor = 'ace'; c.as = 'html'; c.wysiwyg = { minLines: 8 }; }
      });
      return form;
    };
  })();

  var builderOptions = {
    noDefaultSubmitButton: true,
    keyboardBuilder: true,
    editJson: false,
    builder: {
      basic: false, advanced: false, layout: false, data: false, premium: false,
      resource: false, wizard: false,
      plusFields: { title: T.fields, weight: 0, default: true, components: pick(FIELD_TYPES) },
      plusLayout: { title: T.layout, weight: 10, components: pick(LAYOUT_TYPES) }
    },
    editForm: editForm,
    language: cfg.language,
    // The renderer's texts too: the builder draws the components it edits (a grid's
    // "Add Another", a file's "Browse"), the builder's own texts first.
    i18n: (function () {
      var t = {};
      t[cfg.language] = Object.assign({}, (cfg.baseI18n || {})[cfg.language] || {}, cfg.builderTexts);
      return t;
    })()
  };

  // ---- Messages ------------------------------------------------------------------------------
  var statusEl = document.getElementById('status');
  var problemsEl = document.getElementById('problems');
  function showStatus(text) {
    statusEl.textContent = text;
    statusEl.classList.remove('d-none');
  }
  function clearMessages() {
    statusEl.classList.add('d-none');
    problemsEl.classList.add('d-none');
  }
  function showProblems(title, rows) {
    statusEl.classList.add('d-none');
    document.getElementById('problems-title').textContent = title;
    var list = document.getElementById('problems-list');
    list.textContent = '';
    rows.forEach(function (row) {
      var li = document.createElement('li');
      li.setAttribute('data-component', row.component || '');
      var name = document.createElement('strong');
      name.textContent = row.name + ': ';
      li.appendChild(name);
      li.appendChild(document.createTextNode((row.messages || []).join('; ')));
      list.appendChild(li);
    });
    problemsEl.classList.remove('d-none');
    problemsEl.focus();
  }

  // ---- Tabs --------------------------------------------------------------------------------
  var tabs = Array.prototype.slice.call(document.querySelectorAll('[role="tab"]'));
  function selectTab(tab) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.classList.toggle('active', on);
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')).classList.toggle('d-none', !on);
    });
    if (tab.id === 'tab-translations') { renderTranslations(); }
    if (tab.id === 'tab-mapping') { renderMapping(); }
    if (tab.id === 'tab-preview') { renderPreview(); }
  }
  tabs.forEach(function (tab, i) {
    tab.addEventListener('click', function () { selectTab(tab); });
    tab.addEventListener('keydown', function (e) {
      var next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
      if (next === null) { return; }
      var t = tabs[(next + tabs.length) % tabs.length];
      t.focus();
      selectTab(t);
    });
  });

  // ---- Settings ----------------------------------------------------------------------------
  var titleLv = document.getElementById('title-lv');
  var titleEn = document.getElementById('title-en');
  var audience = document.getElementById('audience');
  titleLv.value = (plus.title && plus.title.lv) || '';
  titleEn.value = (plus.title && plus.title.en) || '';
  audience.value = plus.audience || 'client';

  // ---- Components and their texts ------------------------------------------------------------
  function currentComponents() {
    return builder ? builder.schema.components : (original.components || []);
  }
  function eachComponent(components, fn, grid) {
    (components || []).forEach(function (c) {
      if (!c || typeof c !== 'object') { return; }
      fn(c, grid);
      var inner = c.type === 'datagrid' ? c.key : grid;
      eachComponent(c.components, fn, inner);
      (c.columns || []).forEach(function (col) { eachComponent(col && col.components, fn, inner); });
    });
  }
  function dataComponents() {
    var out = [];
    eachComponent(currentComponents(), function (c, grid) {
      if (c.input && c.type !== 'button') {
        out.push({ key: c.key, label: c.label || c.key, type: c.type, grid: grid || null });
      }
    });
    return out;
  }
  function textsOf(components) {
    var seen = {};
    var texts = [];
    function add(t) {
      if (typeof t === 'string' && t.trim() && !seen[t]) { seen[t] = true; texts.push(t); }
    }
    eachComponent(components, function (c) {
      ['label', 'title', 'legend', 'description', 'placeholder', 'tooltip', 'prefix',
        'suffix', 'errorLabel', 'addAnother', 'html', 'content'].forEach(function (p) {
        if (p === 'label' && (c.type === 'content' || c.hideLabel && !c.input)) { return; }
        add(c[p]);
      });
      if (c.validate) { add(c.validate.customMessage); }
      if (c.errors && typeof c.errors === 'object') {
        Object.keys(c.errors).forEach(function (k) { add(c.errors[k]); });
      }
      (c.values || []).forEach(function (o) { add(o && o.label); });
      ((c.data && c.data.values) || []).forEach(function (o) { add(o && o.label); });
    });
    return texts;
  }

  // ---- English texts -------------------------------------------------------------------------
  var translationsBody = document.querySelector('#translations tbody');
  function en() { i18n.en = i18n.en || {}; return i18n.en; }
  function renderTranslations() {
    translationsBody.textContent = '';
    var texts = textsOf(currentComponents());
    if (!texts.length) {
      var tr0 = document.createElement('tr');
      var td0 = document.createElement('td');
      td0.colSpan = 2;
      td0.className = 'text-muted';
      td0.textContent = T.noTexts;
      tr0.appendChild(td0);
      translationsBody.appendChild(tr0);
      return;
    }
    texts.forEach(function (text, i) {
      var tr = document.createElement('tr');
      var th = document.createElement('td');
      th.id = 'lv-text-' + i;
      th.textContent = text;
      var td = document.createElement('td');
      var input = document.createElement(text.length > 80 || /</.test(text) ? 'textarea' : 'input');
      input.className = 'form-control form-control-sm';
      input.setAttribute('aria-labelledby', th.id);
      input.value = en()[text] || '';
      input.addEventListener('input', function () {
        if (input.value.trim()) { en()[text] = input.value; } else { delete en()[text]; }
      });
      td.appendChild(input);
      tr.appendChild(th);
      tr.appendChild(td);
      translationsBody.appendChild(tr);
    });
  }

  // ---- Data mapping (plus.intake) ------------------------------------------------------------
  var entriesEl = document.getElementById('mapping-entries');
  var mappingJson = document.getElementById('mapping-json');
  var mappingError = document.getElementById('mapping-json-error');
  var uid = 0;
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function labelled(labelText, control, width) {
    var id = 'm' + (uid += 1);
    control.id = id;
    var wrap = el('div', { 'class': 'col-md-' + (width || 4) });
    wrap.appendChild(el('label', { 'class': 'form-label small', 'for': id }, labelText));
    wrap.appendChild(control);
    return wrap;
  }
  function sourceKey(source) {
    if (typeof source === 'string') { return source; }
    if (source && typeof source === 'object' && typeof source.from === 'string') {
      return source.from;
    }
    return '';
  }
  function componentSelect(value, onChange, gridKey) {
    var select = el('select', { 'class': 'form-select form-select-sm' });
    select.appendChild(el('option', { value: '' }, T.choose));
    var found = false;
    dataComponents().forEach(function (c) {
      if (c.type === 'datagrid' || (c.grid && c.grid !== gridKey)) { return; }
      var o = el('option', { value: c.key }, c.label + ' (' + c.key + ')');
      if (c.key === value) { o.selected = true; found = true; }
      select.appendChild(o);
    });
    if (value && !found) {
      var missing = el('option', { value: value }, value);
      missing.selected = true;
      select.appendChild(missing);
    }
    select.addEventListener('change', function () { onChange(select.value); });
    return select;
  }
  function setSource(current, key) {
    // Keep an option-value map or other details when only the component changes.
    if (current && typeof current === 'object' && !('const' in current)) {
      var copy = JSON.parse(JSON.stringify(current));
      copy.from = key;
      return copy;
    }
    return key;
  }
  // Records and fields are chosen by their names in the reader's language (cfg.records, from
  // the server); the mapping stores the code names (HoursLog, assignment_id).
  var RECORDS = {};
  (cfg.records || []).forEach(function (r) {
    var fields = {};
    r.fields.forEach(function (f) { fields[f.name] = f.label; });
    RECORDS[r.name] = { label: r.label, fields: fields, list: r.fields };
  });
  function recordLabel(model) { return RECORDS[model] ? RECORDS[model].label : model; }
  function fieldLabel(model, field) {
    return (RECORDS[model] && RECORDS[model].fields[field]) || field;
  }
  function namedSelect(value, options, onChange) {
    var select = el('select', { 'class': 'form-select form-select-sm' });
    select.appendChild(el('option', { value: '' }, T.choose));
    var found = false;
    options.forEach(function (o) {
      var opt = el('option', { value: o.name }, o.label);
      if (o.name === value) { opt.selected = true; found = true; }
      select.appendChild(opt);
    });
    if (value && !found) {
      // Stored, but not offered (a system table, or a column the system fills): kept as is.
      var kept = el('option', { value: value }, value);
      kept.selected = true;
      select.appendChild(kept);
    }
    select.addEventListener('change', function () { onChange(select.value); });
    return select;
  }
  function recordSelect(value, onChange) {
    return namedSelect(value, cfg.records || [], onChange);
  }
  function fieldSelect(model, value, onChange) {
    return namedSelect(value, RECORDS[model] ? RECORDS[model].list : [], onChange);
  }
  function splitTarget(target) {
    var t = typeof target === 'string' ? target : '';
    var dot = t.indexOf('.');
    return dot < 0 ? { model: t, field: '' } : { model: t.slice(0, dot), field: t.slice(dot + 1) };
  }
  function entryTitle(entry, isUpdate) {
    var t = splitTarget(entry.target);
    if (!t.model) { return ''; }
    return ': ' + recordLabel(t.model) + (isUpdate && t.field ? ' — ' + fieldLabel(t.model, t.field) : '');
  }
  function renderMapping() {
    entriesEl.textContent = '';
    intake.forEach(function (entry, index) {
      var card = el('div', { 'class': 'card mb-2 mapping-entry' });
      var body = el('div', { 'class': 'card-body py-2' });
      // A new "propose a change" entry has no target yet: it is one by its 'from'.
      var isUpdate = (typeof entry.target === 'string' && entry.target.indexOf('.') > 0) ||
        (!entry.fields && 'from' in entry);
      var head = el('div', { 'class': 'd-flex justify-content-between align-items-center' });
      head.appendChild(el('h2', { 'class': 'h6 mb-2' }, (index + 1) + '. ' + (isUpdate ? T.proposeTitle : T.recordTitle) + entryTitle(entry, isUpdate)));
      var remove = el('button', { type: 'button', 'class': 'btn btn-outline-danger btn-sm' }, T.remove);
      remove.addEventListener('click', function () { intake.splice(index, 1); renderMapping(); });
      head.appendChild(remove);
      body.appendChild(head);
      var row = el('div', { 'class': 'row g-2' });
      if (isUpdate) {
        var target = splitTarget(entry.target);
        row.appendChild(labelled(T.record, recordSelect(target.model, function (v) {
          // Keep the field when the other record has one of that name.
          var keep = RECORDS[v] && RECORDS[v].fields[target.field] ? target.field : '';
          entry.target = v ? v + '.' + keep : '';
          syncJson(); renderMapping();
        }), 3));
        row.appendChild(labelled(T.recordField, fieldSelect(target.model, target.field, function (v) {
          entry.target = target.model + '.' + v;
          syncJson(); renderMapping();
        }), 3));
        row.appendChild(labelled(T.from, componentSelect(sourceKey(entry.from), function (v) {
          entry.from = v; syncJson();
        }), 3));
        var mode = el('select', { 'class': 'form-select form-select-sm' });
        [['propose', T.modePropose], ['apply', T.modeApply]].forEach(function (m) {
          var o = el('option', { value: m[0] }, m[1]);
          if ((entry.mode || 'propose') === m[0]) { o.selected = true; }
          mode.appendChild(o);
        });
        mode.addEventListener('change', function () { entry.mode = mode.value; syncJson(); });
        row.appendChild(labelled(T.mode, mode, 3));
        body.appendChild(row);
      } else {
        row.appendChild(labelled(T.targetModel, recordSelect(entry.target, function (v) {
          entry.target = v; syncJson(); renderMapping();
        })));
        var each = el('select', { 'class': 'form-select form-select-sm' });
        each.appendChild(el('option', { value: '' }, T.eachNone));
        dataComponents().forEach(function (c) {
          if (c.type !== 'datagrid') { return; }
          var o = el('option', { value: c.key }, c.label + ' (' + c.key + ')');
          if (entry.each === c.key) { o.selected = true; }
          each.appendChild(o);
        });
        each.addEventListener('change', function () {
          if (each.value) { entry.each = each.value; } else { delete entry.each; }
          syncJson(); renderMapping();
        });
        row.appendChild(labelled(T.each, each));
        body.appendChild(row);
        body.appendChild(el('p', { 'class': 'small fw-bold mt-2 mb-1' }, T.fieldsHeading));
        entry.fields = entry.fields && typeof entry.fields === 'object' ? entry.fields : {};
        Object.keys(entry.fields).forEach(function (column) {
          var frow = el('div', { 'class': 'row g-2 mb-1' });
          var colInput = fieldSelect(entry.target, column, function (v) {
            if (v !== column && v in entry.fields) { renderMapping(); return; }  // taken already
            var rebuilt = {};
            Object.keys(entry.fields).forEach(function (k) {
              rebuilt[k === column ? v : k] = entry.fields[k];
            });
            entry.fields = rebuilt; syncJson(); renderMapping();
          });
          frow.appendChild(labelled(T.modelField, colInput));
          var src = entry.fields[column];
          if (src && typeof src === 'object' && 'const' in src) {
            var c = el('input', { 'class': 'form-control form-control-sm', readonly: 'readonly' });
            c.value = JSON.stringify(src['const']);
            frow.appendChild(labelled(T.component, c));
          } else {
            frow.appendChild(labelled(T.component, componentSelect(sourceKey(src), function (v) {
              entry.fields[column] = setSource(src, v); syncJson();
            }, entry.each)));
          }
          var del = el('button', { type: 'button', 'class': 'btn btn-link btn-sm text-danger' }, T.remove);
          del.addEventListener('click', function () {
            delete entry.fields[column]; syncJson(); renderMapping();
          });
          var delWrap = el('div', { 'class': 'col-md-2 d-flex align-items-end' });
          delWrap.appendChild(del);
          frow.appendChild(delWrap);
          body.appendChild(frow);
        });
        var addField = el('button', { type: 'button', 'class': 'btn btn-outline-secondary btn-sm mt-1' }, T.addField);
        addField.addEventListener('click', function () {
          if ('' in entry.fields) { return; }  // the previous new field is not chosen yet
          entry.fields[''] = '';
          syncJson(); renderMapping();
        });
        body.appendChild(addField);
      }
      card.appendChild(body);
      entriesEl.appendChild(card);
    });
    syncJson();
  }
  function syncJson() {
    mappingJson.value = JSON.stringify(intake, null, 2);
    mappingJson.classList.remove('is-invalid');
  }
  mappingJson.addEventListener('change', function () {
    try {
      var parsed = JSON.parse(mappingJson.value || '[]');
      if (!Array.isArray(parsed)) { throw new Error(T.mappingMustBeList); }
      intake = parsed;
      mappingJson.classList.remove('is-invalid');
      renderMapping();
    } catch (e) {
      mappingJson.classList.add('is-invalid');
      mappingError.textContent = T.mappingJsonBroken + ' ' + e.message;
    }
  });
  document.getElementById('add-update').addEventListener('click', function () {
    intake.push({ target: '', from: '', mode: 'propose' });
    renderMapping();
  });
  document.getElementById('add-record').addEventListener('click', function () {
    intake.push({ target: '', fields: {} });
    renderMapping();
  });

  // ---- The definition as a whole ---------------------------------------------------------------
  function definition() {
    var schema = builder ? builder.schema : JSON.parse(JSON.stringify(original));
    schema.display = 'form';
    schema.i18n = i18n;
    schema.plus = JSON.parse(JSON.stringify(plus));
    schema.plus.key = cfg.key;
    schema.plus.audience = audience.value;
    schema.plus.title = { lv: titleLv.value.trim(), en: titleEn.value.trim() };
    schema.plus.intake = intake;
    return schema;
  }

  // ---- Preview -------------------------------------------------------------------------------
  var previewForm = null;
  function renderPreview() {
    var lang = document.getElementById('preview-language').value;
    var schema = definition();
    var tables = {};
    ['lv', 'en'].forEach(function (l) {
      tables[l] = Object.assign({}, cfg.baseI18n[l] || {}, (schema.i18n || {})[l] || {});
    });
    if (previewForm) { previewForm.destroy(); previewForm = null; }
    var target = document.getElementById('preview');
    target.textContent = '';
    Formio.createForm(target, schema, { language: lang, i18n: tables, noAlerts: false })
      .then(function (form) {
        previewForm = form;
        form.nosubmit = true;  // the preview never sends anything
      });
  }
  document.getElementById('preview-language').addEventListener('change', renderPreview);

  // ---- Save / publish ----------------------------------------------------------------------------
  function save(publish) {
    clearMessages();
    showStatus(T.saving);
    var payload = JSON.stringify({ schema: definition(), publish: !!publish });
    return fetch(cfg.saveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': cfg.csrfToken },
      body: payload
    }).then(function (resp) {
      return resp.json().catch(function () { return null; }).then(function (body) {
        if (resp.status === 201 && body) {
          showStatus(body.message);
          statusEl.setAttribute('data-version', body.version);
          statusEl.setAttribute('data-published', body.published ? 'true' : 'false');
          return body;
        }
        if (body && body.problems) {
          showProblems(body.message || T.refused, body.problems);
        } else {
          // Not our answer: no permission any more, an expired session or CSRF token, ...
          showProblems(T.saveFailed + ' (HTTP ' + resp.status + ')', []);
        }
        return null;
      });
    }).catch(function () {
      showProblems(T.saveFailed, []);
      return null;
    });
  }
  document.getElementById('save').addEventListener('click', function () { save(false); });
  document.getElementById('publish').addEventListener('click', function () { save(true); });

  // ---- Export / import -----------------------------------------------------------------------------
  document.getElementById('export').addEventListener('click', function () {
    var blob = new Blob([JSON.stringify(definition(), null, 2) + '\n'], { type: 'application/json' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = cfg.key + '.json';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  });
  var importFile = document.getElementById('import-file');
  importFile.addEventListener('change', function () {
    var file = importFile.files && importFile.files[0];
    if (!file) { return; }
    var reader = new FileReader();
    reader.onload = function () {
      clearMessages();
      var data;
      try {
        data = JSON.parse(String(reader.result).replace(/^\uFEFF/, ''));
      } catch (e) {
        showProblems(T.brokenJson, [{ component: '_form', name: file.name, messages: [e.message] }]);
        importFile.value = '';
        return;
      }
      if (!data || typeof data !== 'object' || Array.isArray(data) || !Array.isArray(data.components)) {
        showProblems(T.notDefinition, []);
        importFile.value = '';
        return;
      }
      if (data.i18n && typeof data.i18n === 'object') { i18n = data.i18n; }
      if (data.plus && typeof data.plus === 'object') {
        plus = data.plus;
        intake = Array.isArray(plus.intake) ? plus.intake : [];
        if (plus.title) {
          titleLv.value = plus.title.lv || titleLv.value;
          titleEn.value = plus.title.en || titleEn.value;
        }
        if (plus.audience) { audience.value = plus.audience; }
      }
      builder.setForm(data).then(function () { showStatus(T.imported); });
      importFile.value = '';
    };
    reader.readAsText(file);
  });

  // ---- Screen readers' names of the builder's buttons ------------------------------------------------
  // @formio/js writes the aria-label of a component's buttons (remove, copy, move, edit) in
  // English, not through t(); name them in the page's language each time the builder redraws.
  function nameButtons(root) {
    Array.prototype.forEach.call(root.querySelectorAll('[aria-label]'), function (node) {
      var name = cfg.builderTexts[node.getAttribute('aria-label')];
      if (name) { node.setAttribute('aria-label', name); }
    });
  }
  var builderEl = document.getElementById('builder');
  new MutationObserver(function () { nameButtons(builderEl); })
    .observe(builderEl, { childList: true, subtree: true });

  // ---- Start ---------------------------------------------------------------------------------------
  var start = JSON.parse(JSON.stringify(original));
  Formio.builder(document.getElementById('builder'), start, builderOptions).then(function (b) {
    builder = b;
    window.plusBuilder = b;  // for the browser tests and the curious
    document.body.setAttribute('data-builder-ready', 'true');
  });
})();

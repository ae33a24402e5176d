// The web GUI's static files, kept as text in the code (the build copies only compiled
// TypeScript): the style sheet, the one small script, and the logo the drivers hover.

/** Served as /static/gui.css. Sized for a 1280×800 screen; focus always visible. */
export const STYLE = `
:root { --bar: #1f3a5f; --bar-hi: #2d5588; --line: #c9d1db; --muted: #5a6472; --ok: #2e7d32; --warn: #b26a00; --err: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1c2430; background: #f4f6f9; }
a { color: #1d4f91; }
:focus-visible { outline: 3px solid #f0a500; outline-offset: 1px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 100; }
#header { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); }
#header .appliance { color: var(--muted); }
#header .who { margin-left: auto; color: var(--muted); }
#pending { display: flex; align-items: center; gap: 8px; color: var(--warn); font-weight: 600; }
img.logo { height: 32px; width: auto; display: block; }
#navbar { background: var(--bar); }
#navbar > ul { list-style: none; margin: 0; padding: 0 8px; display: flex; }
#navbar > ul > li { position: relative; }
#navbar > ul > li.options { margin-left: auto; }
#navbar a.yuimenubaritemlabel { display: block; padding: 9px 14px; color: #fff; text-decoration: none; font-weight: 600; }
#navbar a.yuimenubaritemlabel.selected, #navbar > ul > li:hover > a, #navbar > ul > li:focus-within > a { background: var(--bar-hi); }
#navbar .yuimenu { display: none; position: absolute; top: 100%; left: 0; min-width: 230px; background: #fff; border: 1px solid var(--line); box-shadow: 0 4px 12px rgba(0,0,0,.15); z-index: 50; }
#navbar > ul > li.options .yuimenu { left: auto; right: 0; }
#navbar > ul > li:hover > .yuimenu, #navbar > ul > li:focus-within > .yuimenu { display: block; }
#navbar .yuimenu ul { list-style: none; margin: 0; padding: 4px 0; }
#navbar .yuimenu a { display: block; padding: 6px 14px; color: #1c2430; text-decoration: none; }
#navbar .yuimenu a:hover, #navbar .yuimenu a:focus { background: #e8eef7; }
#content { padding: 12px 24px 32px; max-width: 1240px; }
h1.page-title { font-size: 20px; margin: 8px 0 12px; }
h2 { font-size: 16px; margin: 18px 0 6px; }
dl.box { margin: 0 0 16px; background: #fff; border: 1px solid var(--line); border-radius: 4px; }
dl.box > dt { padding: 7px 12px; background: #e9eef5; border-bottom: 1px solid var(--line); font-weight: 600; }
dl.box > dd { margin: 0; padding: 10px 12px; }
table { border-collapse: collapse; }
table.pairs th, table.pairs td, table.cols th, table.cols td, table.dashboard-innertable th, table.dashboard-innertable td { padding: 4px 10px; text-align: left; vertical-align: top; }
table.pairs th { font-weight: 600; white-space: nowrap; }
table.pairs td.num, table.cols td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.pairs tr.spacer th { padding-top: 8px; color: var(--muted); font-weight: 600; }
table.pairs tr.section th { padding-top: 12px; border-bottom: 1px solid var(--line); }
img.row-delete { cursor: pointer; width: 16px; height: 16px; vertical-align: middle; }
table.rows th { text-align: left; font-weight: 600; padding: 2px 6px 2px 0; }
table.rows td { padding: 2px 6px 2px 0; vertical-align: middle; }
.row-table input[type=button] { margin-top: 4px; }
table.col-base { width: 100%; background: #fff; }
table.col-base th { background: #e9eef5; border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; }
table.col-base td { border-bottom: 1px solid #e6e9ee; padding: 4px 10px; }
form.scope { margin: 0 0 12px; display: flex; gap: 8px; align-items: center; }
table.pairs th.i1 { padding-left: 22px; font-weight: normal; }
table.pairs th.i2 { padding-left: 36px; font-weight: normal; }
table.pairs th.i3 { padding-left: 50px; font-weight: normal; }
table.cols { width: 100%; background: #fff; }
table.cols th { background: #e9eef5; border-bottom: 1px solid var(--line); }
table.cols td { border-bottom: 1px solid #e6e9ee; }
table.cols tr:hover td { background: #f6f9fd; }
table.dashboard { width: 100%; }
td.dashboard-header { padding: 6px 0 2px; font-weight: 600; }
.host-down { color: var(--err); font-weight: 600; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; align-items: start; }
.buttons { margin: 10px 0; display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
input[type=submit], input[type=button], button { font: inherit; padding: 5px 14px; border: 1px solid #8a99ad; border-radius: 3px; background: #f7f9fc; cursor: pointer; }
input[type=submit]:hover, input[type=button]:hover, button:hover { background: #e3eaf4; }
input[type=text], input[type=password], input[type=number], select, textarea { font: inherit; padding: 4px 6px; border: 1px solid #8a99ad; border-radius: 3px; background: #fff; }
input:disabled, select:disabled, textarea:disabled { background: #eef1f5; color: var(--muted); border-color: #c3ccd8; }
.error { color: var(--err); font-size: 13px; margin-top: 2px; }
.hint { color: var(--muted); font-size: 13px; }
p.notice { margin: 0 0 12px; padding: 8px 10px; background: #fdf1e6; border: 1px solid #f0c9a0; border-radius: 4px; }
label.choice { margin-right: 12px; white-space: nowrap; }
#action-results { margin: 0 0 14px; background: #fff; border: 1px solid var(--line); border-radius: 4px; }
#action-results td { padding: 8px 10px; vertical-align: middle; }
#action-results-title { font-weight: 700; }
.action-results-success, .action-results-warn, .action-results-error { width: 14px; height: 14px; border-radius: 50%; }
.action-results-success { background: var(--ok); }
.action-results-warn { background: var(--warn); }
.action-results-error { background: var(--err); }
#confirmation_dialog_c { position: fixed; inset: 0; background: rgba(20,30,45,.45); display: flex; align-items: center; justify-content: center; z-index: 200; }
#confirmation_dialog_c[hidden] { display: none; }
#confirmation_dialog { background: #fff; border-radius: 6px; min-width: 380px; max-width: 560px; box-shadow: 0 10px 30px rgba(0,0,0,.3); }
#confirmation_dialog .hd { padding: 10px 14px; font-weight: 700; border-bottom: 1px solid var(--line); }
#confirmation_dialog .bd { padding: 14px; }
#confirmation_dialog .ft { padding: 10px 14px; display: flex; gap: 8px; justify-content: flex-end; border-top: 1px solid var(--line); }
ul.combobox-choices { list-style: none; margin: 0; padding: 3px; display: flex; flex-wrap: wrap; gap: 4px; border: 1px solid #8a99ad; border-radius: 3px; background: #fff; min-width: 360px; }
ul.combobox-choices li.search-choice { background: #e3eaf4; border: 1px solid #9fb2cc; border-radius: 3px; padding: 1px 4px 1px 8px; display: flex; gap: 4px; align-items: center; }
ul.combobox-choices li.search-choice a { text-decoration: none; color: #333; padding: 0 4px; }
ul.combobox-choices li.search-field { flex: 1; }
ul.combobox-choices li.search-field input { border: 0; width: 100%; min-width: 160px; outline-offset: 0; }
pre.graph, pre.transcript { background: #fff; border: 1px solid var(--line); padding: 10px; overflow-x: auto; font: 13px/1.25 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.login-box { max-width: 380px; margin: 80px auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 24px 28px; }
.login-box h1 { font-size: 18px; margin: 16px 0 4px; }
.login-box label { display: block; margin: 12px 0 4px; font-weight: 600; }
.login-box input[type=text], .login-box input[type=password] { width: 100%; }
.login-box .notice { margin: 12px 0 0; padding: 8px 10px; background: #fdf1e6; border: 1px solid #f0c9a0; border-radius: 4px; }
.pager { display: flex; gap: 10px; align-items: center; margin: 8px 0; }
#footer { padding: 8px 24px 20px; color: var(--muted); font-size: 12px; }
`;

/**
 * Served as /static/gui.js: the live parts (Server-Sent Events), the confirm dialog, fields shown
 * by another field's value, the delivery domains' chip box, buttons that lead to a page, selects
 * that reload the page for their choice, buttons that fill a field with a server-made value, and
 * tables of rows added and removed in place.
 * Everything it does happens in the event's own handler, so a click's effect is there at once.
 */
export const SCRIPT = `'use strict';
(function () {
  function byId(id) { return document.getElementById(id); }

  // ----- live parts of a page -----
  document.querySelectorAll('[data-live]').forEach(function (region) {
    if (!window.EventSource) return;
    var source = new EventSource(region.getAttribute('data-live'));
    source.addEventListener('update', function (e) {
      var focused = document.activeElement;
      var key = focused && region.contains(focused) ? (focused.id || focused.getAttribute('href') || focused.name) : null;
      region.innerHTML = e.data;
      if (key) {
        var again = byId(key) || region.querySelector('[href="' + CSS.escape(key) + '"]') || region.querySelector('[name="' + CSS.escape(key) + '"]');
        if (again) again.focus();
      }
      region.dispatchEvent(new CustomEvent('live-updated', { bubbles: true }));
    });
    source.addEventListener('expired', function () { source.close(); location.reload(); });
    window.addEventListener('pagehide', function () { source.close(); });
  });

  // ----- buttons that lead to a page -----
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('[data-href]');
    if (b) location.href = b.getAttribute('data-href');
  });

  // ----- the confirm dialog -----
  var dialog = byId('confirmation_dialog_c');
  var pending = null;
  function closeDialog() { if (dialog) dialog.hidden = true; pending = null; }
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('[data-confirm]');
    if (!b || !dialog || b.dataset.confirmed === '1') return;
    e.preventDefault();
    pending = b;
    byId('confirmation_dialog_text').textContent = b.getAttribute('data-confirm');
    var go = dialog.querySelector('[data-dialog=continue]');
    go.textContent = b.getAttribute('data-confirm-label') || 'Continue';
    dialog.hidden = false;
    go.focus();
  }, true);
  if (dialog) {
    dialog.addEventListener('click', function (e) {
      var which = e.target.getAttribute && e.target.getAttribute('data-dialog');
      if (which === 'cancel') closeDialog();
      if (which === 'continue' && pending) {
        var b = pending;
        closeDialog();
        b.dataset.confirmed = '1';
        if (b.form) { b.form.requestSubmit(b); return; }
        // Not a button (a row's delete icon): its form gets the field it stands for, then is sent.
        var form = b.closest('form');
        var field = document.createElement('input');
        field.type = 'hidden';
        field.name = b.getAttribute('data-submit-name');
        field.value = b.getAttribute('data-submit-value');
        form.appendChild(field);
        form.requestSubmit();
      }
    });
    dialog.addEventListener('keydown', function (e) { if (e.key === 'Escape') closeDialog(); });
  }
  // An icon that acts as a button answers Enter and Space like one.
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if ((e.key === 'Enter' || e.key === ' ') && t.getAttribute && t.getAttribute('role') === 'button' && t.tagName === 'IMG') { e.preventDefault(); t.click(); }
  });

  // ----- a select that shows another part of the page (a listener's table) -----
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });

  // ----- a button that fills a read-only field with the values the server offered, in turn -----
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('[data-fill]');
    if (!b) return;
    var target = byId(b.getAttribute('data-fill'));
    var values = (b.getAttribute('data-values') || '').split(' ').filter(Boolean);
    if (!target || values.length === 0) return;
    var next = (values.indexOf(target.value) + 1) % values.length;
    target.value = values[next];
  });

  // ----- fields shown by another field's value -----
  function fieldValue(form, name) {
    var els = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.type === 'radio' || el.type === 'checkbox') { if (el.checked) return el.value; }
      else return el.value;
    }
    return '';
  }
  function applyShown(form) {
    form.querySelectorAll('[data-shown-when]').forEach(function (el) {
      el.hidden = !el.getAttribute('data-shown-when').split(';').every(function (condition) {
        var rule = condition.split('=');
        return rule[1].split('|').indexOf(fieldValue(form, rule[0])) >= 0;
      });
    });
  }
  document.querySelectorAll('form').forEach(function (form) {
    if (!form.querySelector('[data-shown-when]')) return;
    applyShown(form);
    form.addEventListener('click', function () { applyShown(form); });
    form.addEventListener('change', function () { applyShown(form); });
  });

  // ----- tables of rows (a route's hosts): add a row from the template, remove one -----
  document.addEventListener('click', function (e) {
    var add = e.target.closest && e.target.closest('[data-add-row]');
    if (add) {
      var name = add.getAttribute('data-add-row');
      var body = byId(name + '_rowContainer');
      var template = byId(name + '_rowTemplate');
      if (!body || !template) return;
      var index = Number(body.getAttribute('data-next-row') || '0');
      body.setAttribute('data-next-row', String(index + 1));
      var row = template.content.firstElementChild.cloneNode(true);
      row.querySelectorAll('[id]').forEach(function (el) { el.id = el.id.split('__i__').join(String(index)); });
      body.appendChild(row);
      var first = row.querySelector('input, select');
      if (first) first.focus();
      return;
    }
    var remove = e.target.closest && e.target.closest('[data-remove-row]');
    if (remove) {
      var tr = remove.closest('tr');
      // The last row stays, emptied: a table of rows always has one to type in.
      if (tr.parentNode.querySelectorAll('tr').length > 1) tr.remove();
      else tr.querySelectorAll('input').forEach(function (i) { i.value = ''; });
    }
  });

  // ----- the chip box of delivery domains -----
  document.querySelectorAll('ul.combobox-choices[data-chips]').forEach(function (list) {
    var name = list.getAttribute('data-chips');
    var store = byId(list.getAttribute('data-store'));
    var field = list.querySelector('li.search-field input');
    function remove(chip) {
      var value = chip.getAttribute('data-value');
      store.querySelectorAll('input').forEach(function (i) { if (i.value === value) i.remove(); });
      chip.remove();
    }
    list.addEventListener('click', function (e) {
      var close = e.target.closest('a.search-choice-close');
      if (close) { e.preventDefault(); remove(close.closest('li')); field.focus(); }
    });
    list.addEventListener('keydown', function (e) {
      var close = e.target.closest && e.target.closest('a.search-choice-close');
      if (close && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); remove(close.closest('li')); field.focus(); }
    });
    function add(value) {
      value = value.trim();
      if (!value) return;
      var exists = false;
      store.querySelectorAll('input').forEach(function (i) { if (i.value.toLowerCase() === value.toLowerCase()) exists = true; });
      if (exists) return;
      var chip = document.createElement('li');
      chip.className = 'search-choice';
      chip.setAttribute('data-value', value);
      var text = document.createElement('span');
      text.textContent = value;
      var close = document.createElement('a');
      close.className = 'search-choice-close';
      close.href = '#';
      close.setAttribute('role', 'button');
      close.setAttribute('aria-label', 'Remove ' + value);
      close.textContent = '\\u00d7';
      chip.appendChild(text);
      chip.appendChild(close);
      list.insertBefore(chip, field.closest('li'));
      var hidden = document.createElement('input');
      hidden.type = 'hidden';
      hidden.name = name;
      hidden.value = value;
      store.appendChild(hidden);
    }
    function take(all) {
      var parts = field.value.split(/[\\s,]+/);
      var rest = all ? '' : parts.pop();
      parts.forEach(add);
      if (all && rest === '') { field.value = ''; return; }
      field.value = rest;
    }
    field.addEventListener('input', function () { if (/[\\s,]/.test(field.value)) take(false); });
    field.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && field.value.trim() !== '') { e.preventDefault(); take(true); }
      if (e.key === 'Backspace' && field.value === '') {
        var chips = list.querySelectorAll('li.search-choice');
        if (chips.length) remove(chips[chips.length - 1]);
      }
    });
    field.form.addEventListener('submit', function () { take(true); });
  });
})();
`;

/** Served as /static/delete.svg: a table row's delete icon (the drivers click the `img` in the row's last cell). */
export const DELETE_ICON = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16" role="img" aria-label="Delete">
<path d="M3 4h10M6.5 4V2.5h3V4M4.5 4l.7 9.5h5.6l.7-9.5" stroke="#b3261e" stroke-width="1.5" fill="none" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;

/** Served as /static/logo.svg: the appliance's mark (the drivers hover `img.logo` before each navigation). */
export const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="112" height="32" viewBox="0 0 112 32" role="img" aria-label="esa-sim">
<rect x="0" y="3" width="26" height="26" rx="5" fill="#1f3a5f"/>
<path d="M5 11 L13 17 L21 11" stroke="#fff" stroke-width="2.4" fill="none" stroke-linecap="round" stroke-linejoin="round"/>
<rect x="5" y="9" width="16" height="14" rx="1.5" stroke="#fff" stroke-width="2" fill="none"/>
<text x="34" y="22" font-family="system-ui, Arial, sans-serif" font-size="17" font-weight="700" fill="#1f3a5f">esa-sim</text>
</svg>`;

/* rallytext console: small progressive enhancements. Every page works without this file. */
'use strict';
(function () {
  function counterText(info) {
    var chars = info.characters + ' character' + (info.characters === 1 ? '' : 's');
    var seg = info.segments + ' segment' + (info.segments === 1 ? '' : 's');
    return chars + ' · ' + info.encoding + ' · ' + seg + ' · ' + info.remaining + ' left in this segment';
  }

  // Live character and segment counter on every message box (the server's own segment function).
  function wireCounters() {
    if (typeof window.rallySegments !== 'function') return;
    document.querySelectorAll('textarea[data-counter]').forEach(function (box) {
      var out = document.getElementById(box.getAttribute('data-counter'));
      if (!out) return;
      var update = function () {
        var info = window.rallySegments(box.value);
        out.textContent = counterText(info);
        out.classList.toggle('ucs2', info.encoding === 'UCS-2');
      };
      box.addEventListener('input', update);
      update();
    });
  }

  // Show only the settings of each step's chosen answer type.
  function wireStepTypes() {
    document.querySelectorAll('fieldset.step').forEach(function (step) {
      var select = step.querySelector('select[name$=".validate.type"]');
      if (!select) return;
      var update = function () {
        step.querySelectorAll('.type-params').forEach(function (group) {
          group.hidden = group.getAttribute('data-for-type') !== select.value;
        });
      };
      select.addEventListener('change', update);
      update();
    });
  }

  function wireConfirms() {
    document.addEventListener('click', function (e) {
      var el = e.target instanceof Element ? e.target.closest('[data-confirm]') : null;
      if (el && !window.confirm(el.getAttribute('data-confirm'))) e.preventDefault();
    });
  }

  function localTimes() {
    document.querySelectorAll('time[datetime]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d.getTime())) {
        t.title = t.textContent;
        t.textContent = d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
      }
    });
  }

  function initialFocus() {
    var summary = document.getElementById('error-summary');
    if (summary) { summary.focus(); return; }
    var form = document.querySelector('form[data-focus]');
    if (form) {
      var target = document.getElementById(form.getAttribute('data-focus'));
      if (target) { target.focus(); target.scrollIntoView({ block: 'center' }); }
    }
    var bubbles = document.getElementById('bubbles');
    if (bubbles) bubbles.scrollTop = bubbles.scrollHeight;
  }

  function start() {
    wireCounters();
    wireStepTypes();
    wireConfirms();
    localTimes();
    initialFocus();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

/* Broadcast composer (live recipient count and preview, merge-field buttons, local schedule
   time) and progress view (delivery counts polled from the API). The pages work without it. */
'use strict';
(function () {
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }

  function wireComposer(form) {
    var panel = document.getElementById('preview-panel');
    var count = document.getElementById('live-count');
    var timer = null;
    var seq = 0;
    function refresh() {
      var mine = ++seq;
      var data = new URLSearchParams(new FormData(form));
      data.delete('op');
      if (count) count.textContent = 'Counting recipients…';
      fetch(form.getAttribute('data-preview'), {
        method: 'POST', body: data, credentials: 'same-origin',
        headers: { 'X-CSRF-Token': csrf(), Accept: 'application/json' },
      })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          if (mine !== seq) return;
          if (panel && typeof j.html === 'string') panel.innerHTML = j.html;
          if (count) count.textContent = j.recipients === null || j.recipients === undefined ? 'Fix the form to count recipients' : j.recipients.toLocaleString('en-US') + (j.recipients === 1 ? ' recipient' : ' recipients');
        })
        .catch(function () { if (count && mine === seq) count.textContent = 'Could not count recipients (offline?)'; });
    }
    function later() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    }
    form.addEventListener('input', later);
    form.addEventListener('change', later);
    refresh();

    var box = form.querySelector('textarea[name="template"]');
    var buttons = form.querySelector('.merge-buttons');
    if (buttons && box) {
      buttons.hidden = false;
      buttons.addEventListener('click', function (e) {
        var b = e.target instanceof Element ? e.target.closest('[data-insert]') : null;
        if (!b) return;
        var text = b.getAttribute('data-insert');
        var s = box.selectionStart, t = box.selectionEnd;
        box.value = box.value.slice(0, s) + text + box.value.slice(t);
        box.selectionStart = box.selectionEnd = s + text.length;
        box.focus();
        box.dispatchEvent(new Event('input', { bubbles: true }));
      });
    }

    // The schedule field is the browser's local time: send the instant with its zone.
    form.addEventListener('submit', function () {
      var local = form.querySelector('[name="sendAtLocal"]');
      var iso = form.querySelector('[name="sendAt"]');
      if (local && iso && local.value) {
        var d = new Date(local.value);
        if (!isNaN(d.getTime())) iso.value = d.toISOString();
      }
    });
  }

  function wireProgress(el) {
    var url = el.getAttribute('data-poll');
    function tick() {
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (b) {
          if (!b) return;
          var c = b.counts;
          el.querySelectorAll('[data-count]').forEach(function (n) {
            var k = n.getAttribute('data-count');
            if (typeof c[k] === 'number') n.textContent = c[k].toLocaleString('en-US');
          });
          var handled = c.total - c.pending - c.waiting - c.sending;
          var bar = document.getElementById('bc-progress');
          if (bar) { bar.max = Math.max(1, c.total); bar.value = handled; }
          var h = document.getElementById('bc-handled');
          if (h) h.textContent = handled.toLocaleString('en-US');
          var s = document.getElementById('bc-status');
          if (s) s.textContent = b.status.charAt(0).toUpperCase() + b.status.slice(1);
          document.querySelectorAll('form[data-when]').forEach(function (f) {
            f.hidden = f.getAttribute('data-when').split(' ').indexOf(b.status) < 0;
          });
          el.setAttribute('data-updated', String(Date.now()));
          // After the last send, delivery receipts keep arriving: poll until none is awaited.
          var awaiting = c.queued + c.sent + c.sending + c.unknown;
          if (b.status === 'canceled' || (b.status === 'done' && awaiting === 0)) return;
          setTimeout(tick, b.status === 'done' ? 3000 : 2000);
        })
        .catch(function () { setTimeout(tick, 5000); });
    }
    setTimeout(tick, 1000);
  }

  // A broadcast that asks: answers keep arriving after the last send. Re-read the page and swap
  // in its (server-rendered, escaped) answers section every few seconds while the tab is shown.
  function wireAnswers(section) {
    function tick() {
      if (document.hidden) return setTimeout(tick, 5000);
      fetch(location.pathname, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (text) {
          if (text) {
            var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('answers');
            var now = document.getElementById('answers');
            if (fresh && now) now.replaceWith(fresh);
          }
          setTimeout(tick, 5000);
        })
        .catch(function () { setTimeout(tick, 10000); });
    }
    setTimeout(tick, 5000);
  }

  // The composer's question: show the boxes for the kind of reply chosen.
  function wireAsk(form) {
    var kind = form.querySelector('[name="ask.kind"]');
    if (!kind) return;
    function show() {
      form.querySelectorAll('[data-for-ask]').forEach(function (g) { g.hidden = g.getAttribute('data-for-ask') !== kind.value; });
      form.querySelectorAll('[data-ask-any]').forEach(function (g) { g.hidden = kind.value === ''; });
    }
    kind.addEventListener('change', show);
    show();
  }

  function start() {
    var form = document.getElementById('compose');
    if (form) { wireComposer(form); wireAsk(form); }
    var answers = document.getElementById('answers');
    if (answers) wireAnswers(answers);
    var progress = document.querySelector('[data-poll]');
    if (progress) wireProgress(progress);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

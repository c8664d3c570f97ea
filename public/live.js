/* The live rally screen: numbers pushed by server-sent events. Aggregates only. */
'use strict';
(function () {
  var source = document.body.getAttribute('data-events');
  if (!source || typeof EventSource !== 'function') return;

  function money(cents) {
    var dollars = Math.floor(cents / 100).toLocaleString('en-US');
    var rest = cents % 100;
    return '$' + dollars + (rest === 0 ? '' : '.' + (rest < 10 ? '0' : '') + rest);
  }
  function setText(id, text) {
    var el = document.getElementById(id);
    if (el && el.textContent !== text) el.textContent = text;
  }
  function show(s) {
    setText('joined', s.joined.toLocaleString('en-US'));
    setText('completed', s.completed.toLocaleString('en-US'));
    setText('pledged', money(s.pledgedCents));
    setText('paid', money(s.paidCents || 0));
    var f = s.goalCents > 0 ? Math.min(1, s.pledgedCents / s.goalCents) : 0;
    var fill = Math.round(f * 1000);
    var v = document.getElementById('fill-v');
    if (v) { v.setAttribute('y', String(1000 - fill)); v.setAttribute('height', String(fill)); }
    var h = document.getElementById('fill-h');
    if (h) h.setAttribute('width', String(fill));
    var goalLine = document.getElementById('goal-line');
    if (goalLine) goalLine.hidden = !(s.goalCents > 0);
    setText('pct', Math.floor(f * 100) + '%');
    setText('goal', money(s.goalCents));
    document.body.setAttribute('data-updated', String(Date.now()));
    // The voting views (live-votes.js) take their part of the same event.
    document.dispatchEvent(new CustomEvent('live:stats', { detail: s }));
  }

  var conn = document.getElementById('conn');
  var es = new EventSource(source);
  es.addEventListener('stats', function (e) {
    try { show(JSON.parse(e.data)); } catch (err) { /* ignore a malformed event */ }
    if (conn) { conn.textContent = ''; conn.classList.remove('lost'); }
  });
  es.addEventListener('error', function () {
    if (!conn) return;
    conn.classList.add('lost');
    conn.textContent = es.readyState === EventSource.CLOSED ? 'This display link no longer works. Ask an organizer for the new one.' : 'Reconnecting…';
  });
})();

/* Inbox: live updates from /api/inbox/events (the thread list and the open thread refresh
   themselves when a text arrives), canned responses into the reply box. Pages work without it. */
'use strict';
(function () {
  function refresh(id) {
    var el = document.getElementById(id);
    if (!el) return;
    fetch(location.pathname + location.search, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (text) {
        if (!text) return;
        var doc = new DOMParser().parseFromString(text, 'text/html');
        var fresh = doc.getElementById(id);
        if (!fresh) return;
        el.innerHTML = fresh.innerHTML;
        el.setAttribute('data-updated', String(Date.now()));
        var bubbles = document.getElementById('bubbles');
        if (bubbles) bubbles.scrollTop = bubbles.scrollHeight;
      })
      .catch(function () { /* offline: the next event tries again */ });
  }

  function wireLive() {
    var list = document.querySelector('[data-live="list"]');
    var thread = document.querySelector('[data-live="thread"]');
    if ((!list && !thread) || typeof EventSource !== 'function') return;
    var es = new EventSource('/api/inbox/events');
    es.addEventListener('thread', function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (err) { return; }
      if (list) refresh('threads');
      // Our own reads would echo back: only texts and replies change what a thread shows.
      if (thread && d.contactId === thread.getAttribute('data-contact') && (d.reason === 'text' || d.reason === 'reply')) refresh('messages');
    });
  }

  function wireCanned() {
    var form = document.getElementById('reply-form');
    if (!form) return;
    var box = form.querySelector('textarea[name="body"]');
    form.addEventListener('click', function (e) {
      var b = e.target instanceof Element ? e.target.closest('[data-insert]') : null;
      if (!b || !box) return;
      var text = b.getAttribute('data-insert');
      var s = box.selectionStart, t = box.selectionEnd;
      box.value = box.value.slice(0, s) + text + box.value.slice(t);
      box.selectionStart = box.selectionEnd = s + text.length;
      box.focus();
      box.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }

  function start() {
    wireLive();
    wireCanned();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

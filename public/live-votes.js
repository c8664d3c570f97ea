/* The live screen's poll and top ideas, from the numbers live.js receives (event 'live:stats').
   Built with textContent only: labels and idea texts are never parsed as markup. */
'use strict';
(function () {
  var SVG = 'http://www.w3.org/2000/svg';
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svgRect(cls, width) {
    var r = document.createElementNS(SVG, 'rect');
    r.setAttribute('class', cls);
    r.setAttribute('x', '0'); r.setAttribute('y', '0');
    r.setAttribute('width', String(width)); r.setAttribute('height', '100'); r.setAttribute('rx', '20');
    return r;
  }
  function count(n) { return Number(n).toLocaleString('en-US'); }

  function bar(r) {
    var li = el('li', 'bar');
    li.appendChild(el('span', 'bar-label', r.label));
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'bar-track');
    svg.setAttribute('viewBox', '0 0 1000 100');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('aria-hidden', 'true');
    svg.appendChild(svgRect('track', 1000));
    svg.appendChild(svgRect('fill', r.percent * 10));
    li.appendChild(svg);
    var c = el('span', 'bar-count');
    c.appendChild(el('span', 'bar-votes', count(r.votes)));
    c.appendChild(document.createTextNode(' · '));
    c.appendChild(el('span', 'bar-pct', r.percent + '%'));
    li.appendChild(c);
    return li;
  }

  function showPoll(p) {
    var section = document.getElementById('poll');
    if (!section) return;
    section.hidden = !p;
    document.body.classList.toggle('has-poll', !!p);
    if (!p) return;
    document.getElementById('poll-question').textContent = p.question;
    document.getElementById('poll-status').textContent = p.status === 'closed' ? 'Final result' : 'Text your answer now';
    document.getElementById('poll-total').textContent = count(p.total);
    var list = document.getElementById('poll-bars');
    var items = list.children;
    // Same options: move the bars in place (no flicker); otherwise rebuild.
    var same = items.length === p.results.length;
    for (var i = 0; same && i < items.length; i++) same = items[i].querySelector('.bar-label').textContent === p.results[i].label;
    if (!same) {
      while (list.firstChild) list.removeChild(list.firstChild);
      p.results.forEach(function (r) { list.appendChild(bar(r)); });
      return;
    }
    p.results.forEach(function (r, i) {
      var li = items[i];
      li.querySelector('.fill').setAttribute('width', String(r.percent * 10));
      li.querySelector('.bar-votes').textContent = count(r.votes);
      li.querySelector('.bar-pct').textContent = r.percent + '%';
    });
  }

  function showIdeas(ideas) {
    var section = document.getElementById('ideas');
    if (!section) return;
    section.hidden = !ideas || ideas.length === 0;
    var list = document.getElementById('idea-list');
    while (list.firstChild) list.removeChild(list.firstChild);
    (ideas || []).forEach(function (i) {
      var li = el('li');
      li.appendChild(el('span', 'idea-num', String(i.number)));
      li.appendChild(el('span', 'idea-text', i.text));
      li.appendChild(el('span', 'idea-votes', count(i.votes)));
      list.appendChild(li);
    });
  }

  if (document.getElementById('poll') && !document.getElementById('poll').hidden) document.body.classList.add('has-poll');
  document.addEventListener('live:stats', function (e) {
    var s = e.detail || {};
    showPoll(s.poll || null);
    showIdeas(s.ideas || null);
  });
})();

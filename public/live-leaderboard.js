/* The live screen's leaderboard (issue 13), from the numbers live.js receives (event 'live:stats'):
   top recruiters (a name only for those who replied SHOW) and top teams. Text nodes only. */
(function () {
  'use strict';
  var ANONYMOUS = 'A supporter';
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fill(listId, colId, rows, name, n) {
    var list = document.getElementById(listId);
    var col = document.getElementById(colId);
    if (!list || !col) return;
    while (list.firstChild) list.removeChild(list.firstChild);
    col.hidden = rows.length === 0;
    rows.forEach(function (r) {
      var li = el('li');
      li.appendChild(el('span', 'lb-name', name(r)));
      li.appendChild(el('span', 'lb-count', Number(n(r)).toLocaleString('en-US')));
      list.appendChild(li);
    });
  }
  document.addEventListener('live:stats', function (e) {
    var l = (e.detail || {}).leaderboard || null;
    var section = document.getElementById('leaderboard');
    if (!section) return;
    section.hidden = !l;
    fill('lb-recruiters', 'lb-recruiters-col', l ? l.recruiters : [], function (r) { return r.name || ANONYMOUS; }, function (r) { return r.recruits; });
    fill('lb-teams', 'lb-teams-col', l ? l.teams : [], function (t) { return t.name; }, function (t) { return t.members; });
  });
})();

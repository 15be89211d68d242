// The observer page: one EventSource ("hello" with the node's shape and history, then a "frame"
// per refresh), four uPlot charts, the scheduler and process tables, the supervision trees and a
// process drawer. Everything is built with DOM calls (textContent), never from HTML strings, so a
// registered name cannot inject markup.
(function () {
  'use strict';
  const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
  const PRIO_COLORS = {max: '#cf222e', high: '#fb8f44', normal: '#0969da', low: '#8c959f'};
  const $ = (id) => document.getElementById(id);
  const fmt = (n) => n == null ? '–' : Math.round(n).toLocaleString('en-US');
  const fmtRate = (n) => n == null || n < 0 ? '–' : n >= 100 ? fmt(n) : n.toFixed(n >= 10 ? 1 : 2).replace(/\.?0+$/, '');
  const bytes = (n) => n >= 1 << 30 ? (n / (1 << 30)).toFixed(1) + ' GiB' : n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MiB'
    : n >= 1 << 10 ? (n / 1024).toFixed(1) + ' KiB' : n + ' B';
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };

  let hello = null;          // the greeting: node, schedulers, kill, refreshMs, history
  let frame = null;          // the latest frame
  let charts = null;         // uPlot instances and their data
  let lastSampleT = 0;       // the newest point in the charts (s)
  let sortKey = 'red', sortAsc = false;
  let selected = null;       // pid shown in the drawer

  // ---- charts ----
  function chartOpts(el, series, yRange, yLabelFmt) {
    return {
      width: Math.max(300, el.clientWidth), height: 170,
      cursor: {drag: {x: false, y: false}},
      scales: {x: {time: true}, y: {range: yRange}},
      axes: [{stroke: '#656d76', grid: {stroke: '#eaeef2'}, ticks: {stroke: '#eaeef2'}, space: 70,
              values: (u, v) => v.map((t) => t == null ? '' : new Date(t * 1000).toLocaleTimeString('en-GB'))},
             {stroke: '#656d76', grid: {stroke: '#eaeef2'}, ticks: {stroke: '#eaeef2'}, size: 52, values: (u, v) => v.map(yLabelFmt)}],
      series: [{}].concat(series.map((s) => ({label: s.label, stroke: s.color, width: 1.6, points: {show: false},
        value: (u, v) => v == null ? '–' : yLabelFmt(v)}))),
      legend: {live: true},
    };
  }
  const zeroBased = (u, min, max) => [0, Math.max(1, max * 1.1)];

  function buildCharts() {
    const h = hello.history, n = hello.schedulers;
    const util = [], utilData = [h.t.slice()];
    for (let i = 0; i < n; i++) { util.push({label: 'scheduler ' + i, color: PALETTE[i % PALETTE.length]}); utilData.push(h.util[i].slice()); }
    const queue = hello.priorities.map((p) => ({label: p, color: PRIO_COLORS[p]}));
    const queueData = [h.t.slice()].concat(h.queued.map((q) => q.slice()));
    const defs = [
      ['chart-util', util, utilData, [0, 100], (v) => v.toFixed(0) + '%'],
      ['chart-queue', queue, queueData, zeroBased, (v) => fmt(v)],
      ['chart-procs', [{label: 'processes', color: '#0969da'}], [h.t.slice(), h.processes.slice()], zeroBased, (v) => fmt(v)],
      ['chart-moves', [{label: 'steals/s', color: '#8250df'}, {label: 'migrations/s', color: '#fb8f44'}],
        [h.t.slice(), h.steals.slice(), h.migrations.slice()], zeroBased, (v) => fmtRate(v)],
    ];
    charts = defs.map(([id, series, data, range, f]) => {
      const host = $(id); host.textContent = '';
      return {plot: new uPlot(chartOpts(host, series, range, f), data, host), data: data, host: host};
    });
    lastSampleT = h.t.length ? h.t[h.t.length - 1] : 0;
  }

  function pushPoint(f) {
    if (!charts || f.sampleT == null || f.sampleT <= lastSampleT) return;
    lastSampleT = f.sampleT;
    const util = f.sched.map((s) => s.util == null ? null : s.util);
    const queued = hello.priorities.map((p, k) => f.sched.reduce((a, s) => a + (s.queued ? s.queued[k] : 0), 0));
    const steals = f.sched.reduce((a, s) => a + (s.stealRate || 0), 0);
    const migr = f.sched.reduce((a, s) => a + (s.migrationRate || 0), 0);
    const rows = [[f.sampleT].concat(util), [f.sampleT].concat(queued), [f.sampleT, f.node.processes], [f.sampleT, steals, migr]];
    charts.forEach((c, k) => {
      c.data.forEach((arr, i) => { arr.push(rows[k][i]); if (arr.length > hello.historyMax) arr.shift(); });
      c.plot.setData(c.data);
    });
  }

  window.addEventListener('resize', () => {
    if (charts) charts.forEach((c) => c.plot.setSize({width: Math.max(300, c.host.clientWidth), height: 170}));
  });

  // ---- header ----
  function renderSummary(f) {
    const s = $('summary'); s.textContent = '';
    const chip = (label, value, title) => { const c = el('span', 'chip'); if (title) c.title = title; c.append(label + ' '); c.append(el('b', null, value)); s.append(c); };
    chip('schedulers', f.node.online + ' online / ' + f.node.schedulers, 'schedulers online of all');
    chip('active', String(f.node.active), 'schedulers carrying work (compaction lets the rest sleep)');
    chip('processes', fmt(f.node.processes));
    chip('timers', fmt(f.node.timers), 'sendAfter and receive timers pending');
    chip('dirty queue', fmt(f.node.dirty), 'tasks waiting for a dirty thread');
    if (f.node.closed) chip('node', 'CLOSED');
    const b = $('banner');
    if (f.error) { b.textContent = f.error; b.hidden = false; } else b.hidden = true;
  }

  // ---- schedulers ----
  // Rows are kept per scheduler and per pid and only their cells replaced, so nothing under the
  // pointer flickers or moves away between frames.
  const schedRows = new Map();
  function renderSchedulers(f) {
    const body = $('sched-table').tBodies[0];
    for (const s of f.sched) {
      let tr = schedRows.get(s.id);
      if (!tr) { tr = el('tr'); tr.dataset.scheduler = s.id; schedRows.set(s.id, tr); body.append(tr); }
      tr.textContent = '';
      const name = el('td', 'l'); const sw = el('span', 'swatch'); sw.style.background = PALETTE[s.id % PALETTE.length];
      name.append(sw, 'scheduler ' + s.id); tr.append(name);
      const state = s.alive === false ? 'dead' : s.online === false ? 'offline' : 'online';
      tr.append(el('td', 'l state-' + state, state));
      const u = el('td', 'l util'); const bar = el('span', 'bar'); const fill = el('i'); fill.style.width = (s.util || 0).toFixed(1) + '%';
      fill.style.background = PALETTE[s.id % PALETTE.length]; bar.append(fill); u.append(bar, (s.util == null ? '–' : s.util.toFixed(1) + '%')); tr.append(u);
      for (let k = 0; k < 4; k++) tr.append(el('td', 'q' + k, s.queued ? fmt(s.queued[k]) : '–'));
      tr.append(el('td', null, fmtRate(s.switchRate)), el('td', null, fmtRate(s.stealRate)), el('td', null, fmt(s.steals)),
        el('td', null, fmtRate(s.migrationRate)), el('td', null, fmt(s.migrations)),
        el('td', s.stalls > 0 ? 'hot' : null, fmt(s.stalls)), el('td', null, fmt(s.timers)));
      const cpu = el('td', 'l');
      if (s.cpu < 0) cpu.textContent = 'unpinned → ' + (s.ranOn < 0 ? '?' : 'CPU ' + s.ranOn);
      else {
        cpu.textContent = 'CPU ' + s.cpu + ' → CPU ' + (s.ranOn < 0 ? '?' : s.ranOn);
        if (!s.verified) { cpu.className = 'l drift'; cpu.textContent += '  DRIFT ×' + s.drifts + (s.pinError ? ' (' + s.pinError + ')' : ''); }
      }
      tr.append(cpu);
    }
  }

  // ---- processes ----
  function matches(p, q) {
    if (!q) return true;
    q = q.toLowerCase().replace(/^<|>$/g, '');
    return p.pid.toLowerCase().includes(q) || (p.name != null && p.name.toLowerCase().includes(q));
  }

  const procRows = new Map();
  function renderProcesses(f) {
    const q = $('search').value.trim();
    const rows = f.procs.filter((p) => matches(p, q));
    rows.sort((a, b) => {
      let x = a[sortKey], y = b[sortKey];
      if (sortKey === 'pid') { const pa = a.pid.slice(1, -1).split('.').map(Number), pb = b.pid.slice(1, -1).split('.').map(Number); x = pa[1] * 1e6 + pa[2]; y = pb[1] * 1e6 + pb[2]; }
      if (x == null) x = typeof y === 'string' ? '' : -1;
      if (y == null) y = typeof x === 'string' ? '' : -1;
      const c = x < y ? -1 : x > y ? 1 : 0;
      return sortAsc ? c : -c;
    });
    const body = $('proc-table').tBodies[0];
    const keep = new Set(rows.map((p) => p.pid));
    for (const [pid, tr] of procRows) if (!keep.has(pid)) { tr.remove(); procRows.delete(pid); }
    for (const p of rows) {
      let tr = procRows.get(p.pid);
      if (!tr) {
        tr = el('tr'); tr.dataset.pid = p.pid; procRows.set(p.pid, tr);
        tr.addEventListener('click', () => openDetail(tr.dataset.pid));
      }
      tr.className = p.pid === selected ? 'selected' : '';
      const cells = [['l pid', p.pid], ['l name', p.name || ''], ['l status-' + p.status, p.status],
        ['mq' + (p.mq >= 1000 ? ' hot' : ''), fmt(p.mq)], ['hw', fmt(p.hw)], ['red', fmt(p.red)], ['rps', fmtRate(p.rps)],
        ['mem', bytes(p.mem)], ['sched', String(p.sched)], ['l prio', p.prio]];
      while (tr.cells.length < cells.length) tr.append(el('td'));
      cells.forEach(([cls, text], i) => { const td = tr.cells[i]; if (td.className !== cls) td.className = cls; if (td.textContent !== text) td.textContent = text; });
      body.append(tr); // in sorted order: append moves an existing row
    }
    $('proc-note').textContent = q
      ? rows.length + ' of the ' + f.procs.length + ' listed match' + (rows.length ? '' : ' — press Enter to look it up on the node')
      : 'the top ' + 25 + ' by reductions, by mailbox and by memory (' + f.procs.length + ' processes); click a column to sort, a row for details';
    for (const th of $('proc-table').tHead.rows[0].cells) {
      th.classList.toggle('sorted', th.dataset.key === sortKey);
      th.classList.toggle('asc', th.dataset.key === sortKey && sortAsc);
    }
  }

  for (const th of document.querySelectorAll('#proc-table th')) {
    th.addEventListener('click', () => {
      const k = th.dataset.key;
      if (k === sortKey) sortAsc = !sortAsc; else { sortKey = k; sortAsc = ['pid', 'name', 'status', 'prio'].includes(k); }
      if (frame) renderProcesses(frame);
    });
  }
  $('search').addEventListener('input', () => { if (frame) renderProcesses(frame); });
  $('search').addEventListener('keydown', (e) => { if (e.key === 'Enter' && $('search').value.trim()) openDetail($('search').value.trim()); });

  // ---- supervision trees ----
  let treeShape = null;
  function renderTree(f) {
    const host = $('tree');
    const sc = f.treeScan;
    // The shape without the ages: when only "new N s ago" changed, update those labels in place.
    const shape = JSON.stringify(f.tree, (k, v) => k === 'newMs' ? (v == null ? v : 'new') : v) + (sc && sc.complete);
    if (shape === treeShape) {
      const ages = new Map(); const walk = (n) => { if (n.newMs != null) ages.set(n.pid, n.newMs); (n.children || []).forEach(walk); };
      f.tree.forEach(walk);
      for (const tag of host.querySelectorAll('.newtag')) tag.textContent = 'new ' + Math.round(ages.get(tag.parentNode.dataset.pid) / 1000) + ' s ago';
      return;
    }
    treeShape = shape; host.textContent = '';
    if (!f.tree.length) {
      host.append(el('p', 'muted', sc && !sc.complete ? 'Looking for supervisors… (' + fmt(sc.scanned) + ' of ' + fmt(sc.of) + ' processes scanned)'
        : 'No supervision tree on this node: no process traps exits and supervises linked children.'));
    }
    for (const root of f.tree) {
      const ul = el('ul', 'tree-root'); ul.append(treeItem(root)); host.append(ul);
    }
    $('tree-note').textContent = 'A supervisor is a process that traps exits and links the children it spawned. ' +
      (sc ? fmt(sc.supervisors) + (sc.supervisors === 1 ? ' supervisor. ' : ' supervisors. ') : '') + 'A child that appeared under its supervisor in the last minute (a restart) is marked in yellow. Click a box for details.';
  }

  function treeItem(n) {
    const li = el('li');
    const box = el('div', 'tnode' + (n.sup ? ' sup' : '') + (n.newMs != null ? ' new' : ''));
    box.dataset.pid = n.pid; if (n.newMs != null) box.dataset.new = 'true';
    box.append(el('span', 'kind', n.sup ? 'supervisor' : 'worker'));
    if (n.name) box.append(el('span', 'nm', n.name));
    box.append(el('span', 'pid', n.pid));
    if (n.status !== 'waiting') box.append(el('span', 'status-' + n.status, n.status));
    if (n.mq > 0) box.append(el('span', 'mq', n.mq + ' queued'));
    if (n.sup && n.restarts > 0) box.append(el('span', 'restarts', '↻ ' + n.restarts + (n.restarts === 1 ? ' restart' : ' restarts')));
    if (n.newMs != null) box.append(el('span', 'newtag', 'new ' + Math.round(n.newMs / 1000) + ' s ago'));
    box.addEventListener('click', () => openDetail(n.pid));
    li.append(box);
    if (n.children && (n.children.length || n.more)) {
      const ul = el('ul');
      for (const c of n.children) ul.append(treeItem(c));
      if (n.more) ul.append(el('li', 'more', '… and ' + n.more + ' more'));
      li.append(ul);
    }
    return li;
  }

  // ---- process drawer ----
  let detailSeq = 0;
  function openDetail(q) {
    selected = q; $('detail').hidden = false; disarm();
    $('kill-note').textContent = '';
    fetchDetail(true);
    if (frame) renderProcesses(frame);
  }
  function closeDetail() { selected = null; $('detail').hidden = true; if (frame) renderProcesses(frame); }
  $('d-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeDetail(); });

  let selectedGone = false; // the drawer's process exited: stop asking
  function fetchDetail(first) {
    if (!selected || (selectedGone && !first)) return;
    const mine = ++detailSeq, q = selected;
    fetch('api/process?q=' + encodeURIComponent(q), {cache: 'no-store'}).then((r) => r.json().then((j) => [r.status, j])).then(([status, j]) => {
      if (mine !== detailSeq || q !== selected) return;
      if (status !== 200) { selectedGone = true; renderGone(q, j.error, true); return; }
      if (!j.alive) { selectedGone = true; renderGone(j.pid, null, first); return; }
      selectedGone = false;
      if (selected !== j.pid) { selected = j.pid; if (frame) renderProcesses(frame); }
      renderDetail(j);
    }).catch(() => {});
  }

  function pidLink(p) {
    const a = el('a', 'pidlink pid', p.name ? p.name + ' ' + p.pid : p.pid);
    if (p.alive === false) a.textContent += ' (exited)';
    a.addEventListener('click', () => openDetail(p.pid));
    return a;
  }

  function renderDetail(d) {
    $('d-title').textContent = d.name ? d.name : d.pid;
    $('d-sub').textContent = d.name ? d.pid : 'no registered name';
    const body = $('d-body'); body.textContent = '';
    const kv = el('dl', 'kv');
    const row = (k, v) => { kv.append(el('dt', null, k)); const dd = el('dd'); if (v instanceof Node) dd.append(v); else dd.textContent = v; kv.append(dd); };
    row('status', d.status); row('mailbox', fmt(d.mq) + ' messages (peak ' + fmt(d.hw) + ')'); row('reductions', fmt(d.red));
    row('memory', bytes(d.mem) + ' (estimated)'); row('scheduler', String(d.sched)); row('priority', d.prio);
    row('traps exits', d.trap ? 'yes' : 'no'); row('virtual thread', d.vt ? 'yes' : 'no');
    row('parent', d.parent ? pidLink(d.parent) : 'spawned from outside the node');
    const list = (items, count) => {
      if (!items.length) return 'none';
      const s = el('span', 'plist'); items.forEach((p) => s.append(pidLink(p)));
      if (count > items.length) s.append('… ' + (count - items.length) + ' more');
      return s;
    };
    row('links', list(d.links, d.linksCount)); row('monitors', list(d.monitors, d.monitorsCount)); row('monitored by', list(d.monitoredBy, d.monitoredByCount));
    body.append(kv);
    body.append(el('h3', null, 'stack ' + (d.status === 'running' ? '(sampled while it runs)' : '(where it waits)')));
    const pre = el('pre', 'stack');
    if (!d.stack.length) pre.textContent = '(not readable at this moment)';
    // The runtime's own frames (where it waits, how it was started) in grey: the process's code stands out.
    d.stack.forEach((f, i) => { pre.append(el('span', /^dev\.spindle\.internal\./.test(f) ? 'internal' : null, f + (i < d.stack.length - 1 ? '\n' : ''))); });
    body.append(pre);
    $('kill').hidden = !d.kill;
    $('kill').dataset.pid = d.pid;
  }

  function renderGone(q, why, first) {
    if (why == null) {
      // It exited: keep what was shown, say so on top.
      const note = el('p', 'hot gone', first ? q + ' is not alive.' : 'This process has exited.');
      const body = $('d-body'); const old = body.querySelector('.gone'); if (old) old.remove();
      if (first) { $('d-title').textContent = q; $('d-sub').textContent = ''; body.textContent = ''; }
      body.prepend(note);
    } else {
      $('d-title').textContent = q; $('d-sub').textContent = '';
      const body = $('d-body'); body.textContent = ''; body.append(el('p', 'hot', why));
    }
    $('kill').hidden = true;
  }

  // A kill takes two clicks: the first arms the button for four seconds.
  let armTimer = null;
  function disarm() { const k = $('kill'); k.classList.remove('armed'); k.textContent = 'Kill'; clearTimeout(armTimer); }
  $('kill').addEventListener('click', () => {
    const k = $('kill'), pid = k.dataset.pid;
    if (!k.classList.contains('armed')) {
      k.classList.add('armed'); k.textContent = 'Really kill ' + pid + '?';
      armTimer = setTimeout(disarm, 4000); return;
    }
    disarm();
    fetch('api/kill?pid=' + encodeURIComponent(pid), {method: 'POST', headers: {'X-Spindle-Observer': 'kill'}})
      .then((r) => r.json()).then((j) => { $('kill-note').textContent = j.killed ? 'killed ' + j.killed : j.error; fetchDetail(false); })
      .catch((e) => { $('kill-note').textContent = 'kill failed: ' + e; });
  });

  // ---- the stream ----
  function connect() {
    const es = new EventSource('events');
    es.addEventListener('open', () => { $('conn').className = 'dot on'; $('conn-text').textContent = 'live'; });
    es.addEventListener('error', () => { $('conn').className = 'dot off'; $('conn-text').textContent = 'reconnecting…'; });
    es.addEventListener('hello', (e) => {
      hello = JSON.parse(e.data);
      $('node-name').textContent = 'node ' + hello.node;
      document.title = 'Spindle observer · node ' + hello.node;
      $('refresh').textContent = 'Updated every ' + (hello.refreshMs / 1000) + ' s' + (hello.kill ? '.' : '; kill is switched off.');
      buildCharts();
    });
    es.addEventListener('frame', (e) => {
      const f = JSON.parse(e.data);
      if (!f.node) { const b = $('banner'); b.textContent = f.error; b.hidden = false; return; }
      frame = f;
      renderSummary(f); renderSchedulers(f); renderProcesses(f); renderTree(f); pushPoint(f);
      $('conn-text').textContent = 'live · ' + new Date(f.t * 1000).toLocaleTimeString('en-GB');
      document.body.dataset.frames = String((Number(document.body.dataset.frames) || 0) + 1);
      if (selected) fetchDetail(false);
    });
  }
  connect();
})();

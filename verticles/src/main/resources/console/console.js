// The analyst console: one page, no build step, talking to the node's analyst API with the analyst's key.
'use strict';

const KEY = 'fraudscore.key';
const main = document.getElementById('main');
const errorBox = document.getElementById('error');
let stopPage = () => {};

// ---- helpers ---------------------------------------------------------------------------------------------------

const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const fmtTime = (s) => (s ? new Date(s).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');
const fmtNum = (n, d = 2) => (n === null || n === undefined ? '' : Number(n).toFixed(d));
const tag = (t) => `<span class="tag ${esc(t)}">${esc(t)}</span>`;
const qs = (o) => Object.entries(o).filter(([, v]) => v !== '' && v !== null && v !== undefined)
  .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.field = body && body.field;
    this.rule = body && body.rule;
  }
}

async function api(path, options = {}) {
  const key = sessionStorage.getItem(KEY);
  const headers = Object.assign({ Authorization: `Bearer ${key}` }, options.headers || {});
  if (options.body && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, Object.assign({}, options, { headers }));
  } catch (e) {
    throw new ApiError(0, { error: 'the node did not answer (is it running?)' });
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { error: text }; }
  if (response.status === 401) {
    sessionStorage.removeItem(KEY);
    location.hash = '#/login';
    throw new ApiError(401, body);
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** Runs a page's loader, showing its failure in the banner (named field and rule when the API gave them). */
async function guarded(fn) {
  try {
    showError('');
    await fn();
  } catch (e) {
    const detail = e.field ? ` (${e.field}: ${e.rule})` : e.rule ? ` (${e.rule})` : '';
    showError(`${e.message}${detail}`);
  }
}

// ---- charts (inline SVG) ---------------------------------------------------------------------------------------

/** Horizontal bars: [{label, value}], negative values to the left of the axis. */
function bars(items, { width = 520, unit = '' } = {}) {
  if (!items.length) return '<p class="muted">nothing yet</p>';
  const row = 24, labelW = 200, max = Math.max(...items.map((i) => Math.abs(i.value)), 1e-9);
  const hasNeg = items.some((i) => i.value < 0);
  const span = width - labelW - 80, zero = labelW + (hasNeg ? span / 2 : 0), scale = (hasNeg ? span / 2 : span) / max;
  const rows = items.map((it, i) => {
    const w = Math.abs(it.value) * scale, x = it.value < 0 ? zero - w : zero, y = i * row + 4;
    const color = it.color || (it.value < 0 ? '#2e7d32' : '#c62828');
    return `<text x="0" y="${y + 13}">${esc(it.label)}</text>`
      + `<rect x="${x}" y="${y}" width="${Math.max(w, 1)}" height="16" fill="${color}" rx="2"><title>${esc(it.label)}: ${esc(it.value)}</title></rect>`
      + `<text x="${(it.value < 0 ? zero : x + w) + 6}" y="${y + 13}">${esc(fmtNum(it.value, unit ? 0 : 3))}${esc(unit)}</text>`;
  }).join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${items.length * row + 8}" width="100%" role="img">${rows}`
    + `<line x1="${zero}" x2="${zero}" y1="0" y2="${items.length * row + 4}" stroke="#9aa3b2"/></svg>`;
}

/** Vertical columns: [{label, value}]. */
function columns(items, { width = 520, height = 160 } = {}) {
  if (!items.length) return '<p class="muted">nothing yet</p>';
  const max = Math.max(...items.map((i) => i.value), 1), w = (width - 20) / items.length;
  const cols = items.map((it, i) => {
    const h = (it.value / max) * (height - 40), x = 10 + i * w, y = height - 22 - h;
    return `<rect x="${x + 2}" y="${y}" width="${w - 4}" height="${Math.max(h, 1)}" fill="#1f5fbf" rx="2"><title>${esc(it.label)}: ${esc(it.value)}</title></rect>`
      + `<text x="${x + w / 2}" y="${height - 6}" text-anchor="middle">${esc(it.label)}</text>`
      + `<text x="${x + w / 2}" y="${y - 4}" text-anchor="middle">${esc(it.value)}</text>`;
  }).join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="100%" role="img">${cols}</svg>`;
}

// ---- pages -----------------------------------------------------------------------------------------------------

const pages = {};

pages.login = async () => {
  document.getElementById('nav').hidden = true;
  document.getElementById('signout').hidden = true;
  document.getElementById('who').textContent = '';
  main.innerHTML = `<div class="panel login"><h1>Sign in</h1>
    <form id="login"><label>Analyst API key<input id="key" type="password" autocomplete="off" placeholder="fsk_..."></label>
    <p class="field-error" id="login-error"></p><button type="submit">Sign in</button></form>
    <p class="muted">A key with the <b>analyst</b> role (and <b>label</b> to resolve cases): <code>var/keys/analyst.key</code> on a development node, or <code>ops/keys.sh create</code>.</p></div>`;
  document.getElementById('login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = document.getElementById('key').value.trim();
    const out = document.getElementById('login-error');
    if (!key) { out.textContent = 'Enter your API key.'; return; }
    sessionStorage.setItem(KEY, key);
    try {
      await api('/v1/models');
      location.hash = '#/queue';
    } catch (e) {
      sessionStorage.removeItem(KEY);
      out.textContent = e.status === 403 ? 'This key does not have the analyst role.'
        : e.status === 401 ? 'This key is not known or was revoked.' : e.message;
      location.hash = '#/login';
    }
  });
};

pages.alerts = async () => {
  main.innerHTML = `<h1>Live alerts</h1><div class="panel"><p><span id="live" class="status-dot"></span><span id="live-text">connecting…</span></p>
    <ul class="feed" id="feed"></ul></div>`;
  const feed = document.getElementById('feed');
  let lastId = null, stopped = false, controller = null;
  const setLive = (on, text) => {
    document.getElementById('live').classList.toggle('live', on);
    document.getElementById('live-text').textContent = text;
  };
  const add = (a, fresh) => {
    const li = document.createElement('li');
    if (fresh) li.className = 'new';
    li.dataset.tx = a.transactionId;
    li.innerHTML = `${tag(a.decision)} <span class="num">${esc(fmtNum(a.score, 3))}</span>
      <a href="#/decision/${encodeURIComponent(a.transactionId)}?client=${encodeURIComponent(a.client)}">${esc(a.transactionId)}</a>
      <span>${esc(fmtNum(a.amount))} ${esc(a.currency)}</span>
      <a href="#/card/${encodeURIComponent(a.cardId)}">${esc(a.cardId)}</a>
      <span class="muted">${esc((a.reasons || []).map((r) => r.code).join(', '))}</span>
      <span class="muted">${esc(fmtTime(a.eventTime))} · ${esc(a.nodeId)}</span>`;
    feed.prepend(li);
    while (feed.children.length > 200) feed.lastChild.remove();
  };
  // fetch-based server-sent events (an EventSource cannot send the key); reconnects and resumes from its last id
  const connect = async () => {
    let replayed = true;
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers = { Authorization: `Bearer ${sessionStorage.getItem(KEY)}` };
        if (lastId) headers['Last-Event-ID'] = lastId;
        const response = await fetch('/v1/alerts/stream', { headers, signal: controller.signal });
        if (response.status === 401) { location.hash = '#/login'; return; }
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        setLive(true, 'live: new alerts appear at the top');
        const reader = response.body.getReader(), decoder = new TextDecoder();
        let buffer = '', id = null, data = null;
        const sinceConnect = Date.now();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let nl;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl); buffer = buffer.slice(nl + 1);
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data = line.slice(6);
            else if (line === '' && data) {
              lastId = id || lastId;
              add(JSON.parse(data), !replayed || Date.now() - sinceConnect > 1000);
              data = null; id = null;
            }
          }
        }
      } catch (e) {
        if (stopped) return;
      }
      replayed = false;
      setLive(false, 'connection lost: reconnecting…');
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  connect();
  return () => { stopped = true; if (controller) controller.abort(); };
};

pages.queue = async () => {
  main.innerHTML = `<h1>Review queue</h1><div class="panel"><form class="filters" id="qf">
    <label>Status<select name="status"><option value="unresolved">open and claimed</option><option value="open">open</option><option value="claimed">claimed</option><option value="resolved">resolved</option></select></label>
    <label>Min score<input name="minScore" size="6"></label><label>Min amount<input name="minAmount" size="8"></label>
    <label>Reason code<input name="reason" size="16"></label><button>Filter</button></form></div>
    <div class="panel"><table><thead><tr><th>Case</th><th>Opened</th><th>Decision</th><th class="num">Score</th><th class="num">Amount</th><th>Card</th><th>Reasons</th><th>Status</th><th></th></tr></thead>
    <tbody id="cases"></tbody></table><div class="actions"><button class="secondary" id="more" hidden>More</button></div></div>`;
  let next = null;
  const form = document.getElementById('qf');
  const load = (append) => guarded(async () => {
    const f = Object.fromEntries(new FormData(form));
    const page = await api(`/v1/cases?${qs(Object.assign(f, { cursor: append ? next : '' }))}`);
    const tbody = document.getElementById('cases');
    if (!append) tbody.innerHTML = '';
    for (const c of page.items) {
      const tr = document.createElement('tr');
      tr.dataset.case = c.id;
      tr.innerHTML = `<td><a href="#/case/${c.id}">#${c.id}</a></td><td>${esc(fmtTime(c.openedAt))}</td><td>${tag(c.decision)}</td>
        <td class="num">${esc(fmtNum(c.score, 3))}</td><td class="num">${esc(fmtNum(c.amount))} ${esc(c.currency)}</td>
        <td><a href="#/card/${encodeURIComponent(c.cardId)}">${esc(c.cardId)}</a></td><td class="muted">${esc(c.reasonCodes.join(', '))}</td>
        <td>${tag(c.status)} ${esc(c.claimedBy || '')}</td><td><a href="#/case/${c.id}">open</a></td>`;
      tbody.appendChild(tr);
    }
    if (!tbody.children.length) tbody.innerHTML = '<tr><td colspan="9" class="muted">No cases.</td></tr>';
    next = page.next;
    document.getElementById('more').hidden = !next;
  });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(false); });
  document.getElementById('more').addEventListener('click', () => load(true));
  await load(false);
};

function reasonsChart(reasons) {
  return bars((reasons || []).map((r) => ({ label: `${r.code} = ${r.value ?? '–'}`, value: r.contribution })));
}

pages.case = async (id) => {
  main.innerHTML = '<p class="muted">loading…</p>';
  await guarded(async () => {
    const c = await api(`/v1/cases/${encodeURIComponent(id)}`);
    const d = await api(`/v1/decisions/${encodeURIComponent(c.transactionId)}?client=${encodeURIComponent(c.client)}`);
    main.innerHTML = `<h1>Case #${c.id} ${tag(c.status)}</h1><div class="grid">
      <div class="panel"><h2>Decision</h2>${decisionFacts(d)}</div>
      <div class="panel"><h2>Why (the model's contributions to the log-odds; a rule's, its score adjustment)</h2><div id="reasons">${reasonsChart(d.reasons)}</div></div>
      <div class="panel" id="work"><h2>Work the case</h2>${caseActions(c)}</div>
      <div class="panel"><h2>History</h2><table><tbody>${c.events.map((e) => `<tr><td>${esc(fmtTime(e.at))}</td><td>${esc(e.actor)}</td><td>${esc(e.action)}</td><td>${esc(e.detail || '')}</td></tr>`).join('')}</tbody></table></div>
    </div>`;
    bindCaseActions(c);
  });
};

function caseActions(c) {
  if (c.status === 'open') return '<div class="actions"><button id="claim">Claim</button></div>';
  if (c.status === 'claimed') {
    return `<p>Claimed by <b>${esc(c.claimedBy)}</b> at ${esc(fmtTime(c.claimedAt))}</p>
      <form id="resolve"><label>Note<textarea name="note" rows="3" maxlength="2000"></textarea></label>
      <p class="field-error" id="resolve-error"></p>
      <div class="actions"><button type="submit" name="verdict" value="fraud" id="fraud">Fraud</button>
      <button type="submit" name="verdict" value="genuine" class="secondary" id="genuine">Genuine</button>
      <button type="button" class="secondary" id="release">Release</button></div></form>`;
  }
  return `<p>Resolved as <b id="resolution">${esc(c.resolution)}</b> by ${esc(c.resolvedBy)} at ${esc(fmtTime(c.resolvedAt))}</p><p>${esc(c.note || '')}</p>`;
}

function bindCaseActions(c) {
  const reload = () => pages.case(c.id);
  const claim = document.getElementById('claim');
  if (claim) claim.addEventListener('click', () => guarded(async () => { await api(`/v1/cases/${c.id}/claim`, { method: 'POST' }); await reload(); }));
  const release = document.getElementById('release');
  if (release) release.addEventListener('click', () => guarded(async () => { await api(`/v1/cases/${c.id}/release`, { method: 'POST' }); await reload(); }));
  const form = document.getElementById('resolve');
  if (form) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const verdict = ev.submitter ? ev.submitter.value : 'fraud';
      const note = new FormData(form).get('note');
      try {
        await api(`/v1/cases/${c.id}/resolve`, { method: 'POST', body: JSON.stringify(note ? { verdict, note } : { verdict }) });
        await reload();
      } catch (e) {
        document.getElementById('resolve-error').textContent = `${e.message}${e.field ? ` (${e.field}: ${e.rule})` : ''}`;
      }
    });
  }
}

function decisionFacts(d) {
  const i = d.input || {};
  return `<dl class="kv"><dt>Transaction</dt><dd><a href="#/decision/${encodeURIComponent(d.transactionId)}?client=${encodeURIComponent(d.client)}">${esc(d.transactionId)}</a> <span class="muted">(${esc(d.client)})</span></dd>
    <dt>Outcome</dt><dd>${tag(d.decision)} score <b>${esc(fmtNum(d.score, 4))}</b> ${d.degraded ? `<b>degraded</b> (${esc(d.degradedReason)})` : ''}</dd>
    <dt>Thresholds</dt><dd>review ${esc(d.thresholds.review)} · decline ${esc(d.thresholds.decline)}</dd>
    <dt>Amount</dt><dd>${esc(fmtNum(i.amount))} ${esc(i.currency)}</dd>
    <dt>Card</dt><dd><a href="#/card/${encodeURIComponent(i.cardId)}">${esc(i.cardId)}</a></dd>
    <dt>Terminal</dt><dd><a href="#/terminal/${encodeURIComponent(i.terminalId)}">${esc(i.terminalId)}</a></dd>
    <dt>Customer</dt><dd>${esc(i.customerId || '–')}</dd><dt>Channel · MCC · country</dt><dd>${esc([i.channel, i.mcc, i.country].filter(Boolean).join(' · ') || '–')}</dd>
    <dt>Event time</dt><dd>${esc(fmtTime(d.eventTime))}</dd><dt>Decided</dt><dd>${esc(fmtTime(d.decidedAt))} on ${esc(d.nodeId)}</dd>
    <dt>Model</dt><dd>${esc(d.modelVersion || '–')}${d.challenger ? ` · challenger ${esc(d.challenger.version)} (${esc(fmtNum(d.challenger.score, 4))})` : ''}</dd></dl>`;
}

pages.decision = async (id, params) => {
  main.innerHTML = '<p class="muted">loading…</p>';
  await guarded(async () => {
    const client = params.get('client');
    const d = await api(`/v1/decisions/${encodeURIComponent(id)}${client ? `?client=${encodeURIComponent(client)}` : ''}`);
    const features = Object.entries(d.features || {}).sort(([a], [b]) => a.localeCompare(b));
    const t = d.stageMicros || {};
    main.innerHTML = `<h1>Decision ${esc(d.transactionId)} ${tag(d.decision)}</h1><div class="grid">
      <div class="panel"><h2>Decision</h2>${decisionFacts(d)}${d.case ? `<p>Review case <a href="#/case/${d.case.id}">#${d.case.id}</a> ${tag(d.case.status)}</p>` : ''}</div>
      <div class="panel"><h2>Why (the model's contributions to the log-odds; a rule's, its score adjustment)</h2><div id="reasons">${reasonsChart(d.reasons)}</div></div>
      <div class="panel"><h2>Stage timings (microseconds)</h2>${bars([{ label: 'idempotency', value: t.idempotency }, { label: 'features', value: t.features }, { label: 'scoring', value: t.scoring }, { label: 'total', value: t.total }].map((x) => Object.assign(x, { color: '#1f5fbf' })), { unit: ' µs' })}</div>
      <div class="panel"><h2>Label history</h2>${labelTable(d.labelHistory)}</div>
      <div class="panel"><h2>Features the model saw</h2><table id="features"><tbody>${features.map(([k, v]) => `<tr><td>${esc(k)}</td><td class="num">${esc(v === null ? '–' : v)}</td></tr>`).join('')}</tbody></table></div>
    </div>`;
  });
};

function labelTable(rows) {
  if (!rows || !rows.length) return '<p class="muted">No labels.</p>';
  return `<table><thead><tr><th>When</th><th>Transaction</th><th>Verdict</th><th>Source</th><th>By</th></tr></thead><tbody>${rows.map((l) => `<tr><td>${esc(fmtTime(l.changedAt))}</td><td>${esc(l.transactionId)}</td><td>${l.fraud ? '<b>fraud</b>' : 'genuine'}</td><td>${esc(l.source)}</td><td>${esc(l.labelledBy || '')}</td></tr>`).join('')}</tbody></table>`;
}

function decisionTable(items, id = 'results') {
  return `<table id="${id}"><thead><tr><th>Event time</th><th>Transaction</th><th>Decision</th><th class="num">Score</th><th class="num">Amount</th><th>Card</th><th>Terminal</th><th>Reasons</th></tr></thead><tbody>${items.map(decisionRow).join('') || '<tr><td colspan="8" class="muted">No decisions.</td></tr>'}</tbody></table>`;
}

function decisionRow(d) {
  return `<tr class="clickable" data-href="#/decision/${encodeURIComponent(d.transactionId)}?client=${encodeURIComponent(d.client)}"><td>${esc(fmtTime(d.eventTime))}</td><td>${esc(d.transactionId)}</td><td>${tag(d.decision)}${d.degraded ? ' degraded' : ''}</td>
    <td class="num">${esc(fmtNum(d.score, 4))}</td><td class="num">${esc(fmtNum(d.amount))} ${esc(d.currency)}</td><td>${esc(d.cardId)}</td><td>${esc(d.terminalId)}</td>
    <td class="muted">${esc((d.reasons || []).map((r) => r.code).join(', '))}</td></tr>`;
}

main.addEventListener('click', (ev) => {
  const tr = ev.target.closest('tr.clickable');
  if (tr && !ev.target.closest('a')) location.hash = tr.dataset.href;
});

pages.search = async (_, params) => {
  main.innerHTML = `<h1>Search decisions</h1><div class="panel"><form class="filters" id="sf">
    <label>Card<input name="card" value="${esc(params.get('card') || '')}"></label><label>Terminal<input name="terminal"></label><label>Customer<input name="customer"></label>
    <label>Outcome<select name="outcome"><option value="">any</option><option>APPROVE</option><option>REVIEW</option><option>DECLINE</option></select></label>
    <label>Min score<input name="minScore" size="6"></label><label>Reason code<input name="reason" size="14"></label>
    <label>From<input name="from" placeholder="2026-11-24T00:00:00Z"></label><label>To<input name="to" placeholder="2026-11-25T00:00:00Z"></label>
    <button>Search</button></form><p class="muted">Give a card, terminal, customer, outcome REVIEW or DECLINE, or a time range of at most 24 hours.</p></div>
    <div class="panel" id="out"></div>`;
  let next = null, items = [];
  const form = document.getElementById('sf');
  const run = (append) => guarded(async () => {
    const f = Object.fromEntries(new FormData(form));
    const page = await api(`/v1/decisions?${qs(Object.assign(f, { cursor: append ? next : '' }))}`);
    items = append ? items.concat(page.items) : page.items;
    next = page.next;
    document.getElementById('out').innerHTML = decisionTable(items) + (next ? '<div class="actions"><button class="secondary" id="more">More</button></div>' : '');
    if (next) document.getElementById('more').addEventListener('click', () => run(true));
  });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(false); });
  if (params.get('card')) await run(false);
};

function velocityChart(v) {
  if (!v || v.unavailable) return `<p class="muted">velocity unavailable: ${esc(v && v.unavailable)}</p>`;
  if (!v.known) return '<p class="muted">No transactions in the velocity state.</p>';
  return columns([{ label: '1 h', value: v.lastHour.count }, { label: '24 h', value: v.last24Hours.count }, { label: '7 d', value: v.last7Days.count }, { label: '30 d', value: v.last30Days.count }])
    + `<p class="muted">amounts: ${esc(fmtNum(v.lastHour.amount))} / ${esc(fmtNum(v.last24Hours.amount))} / ${esc(fmtNum(v.last7Days.amount))} / ${esc(fmtNum(v.last30Days.amount))};
       labelled frauds (${esc(v.labelled.delayDays)}-day delay): ${esc(v.labelled.day.frauds)} day, ${esc(v.labelled.week.frauds)} week, ${esc(v.labelled.month.frauds)} month</p>`;
}

async function entityPage(kind, id) {
  main.innerHTML = '<p class="muted">loading…</p>';
  await guarded(async () => {
    const e = await api(`/v1/${kind}s/${encodeURIComponent(id)}`);
    main.innerHTML = `<h1>${kind === 'card' ? 'Card' : 'Terminal'} ${esc(id)}</h1><div class="grid">
      <div class="panel"><h2>Velocity (live)</h2><div id="velocity">${velocityChart(e.velocity)}</div></div>
      <div class="panel"><h2>Known frauds</h2>${e.knownFrauds.length ? `<ul>${e.knownFrauds.map((f) => `<li>${esc(f.transactionId)} · ${esc(fmtTime(f.eventTime))} · ${esc(f.source)}</li>`).join('')}</ul>` : '<p class="muted">None.</p>'}</div>
      </div><div class="panel"><h2>Recent decisions</h2>${decisionTable(e.recentDecisions, 'recent')}</div>
      <div class="panel"><h2>Label history</h2>${labelTable(e.labelHistory)}</div>`;
  });
}
pages.card = (id) => entityPage('card', id);
pages.terminal = (id) => entityPage('terminal', id);

pages.stats = async (_, params) => {
  const day = params.get('day') || new Date().toISOString().slice(0, 10);
  main.innerHTML = `<h1>Daily statistics</h1><div class="panel"><form class="filters" id="df"><label>Day (UTC)<input name="day" value="${esc(day)}"></label><button>Show</button></form></div><div id="stats"></div>`;
  document.getElementById('df').addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = `#/stats?day=${encodeURIComponent(new FormData(ev.target).get('day'))}`; });
  await guarded(async () => {
    const s = await api(`/v1/stats/daily?day=${encodeURIComponent(day)}`);
    const colors = { APPROVE: '#2e7d32', REVIEW: '#b26a00', DECLINE: '#c62828' };
    const q = s.reviewQueue || {};
    document.getElementById('stats').innerHTML = `<div class="grid">
      <div class="panel"><h2>Decisions by outcome</h2>${bars(s.outcomes.map((o) => ({ label: o.decision, value: o.count, color: colors[o.decision] })), { unit: ' ' })}
        <p class="muted">degraded: ${esc(s.outcomes.reduce((n, o) => n + o.degraded, 0))}</p></div>
      <div class="panel"><h2>Top reason codes</h2>${bars(s.topReasons.map((r) => ({ label: r.code, value: r.count, color: '#1f5fbf' })), { unit: ' ' })}</div>
      ${s.scoreDistribution.map((m) => `<div class="panel"><h2>Scores · <span class="data">${esc(m.modelVersion)}</span></h2>${columns(histogram(m.buckets))}</div>`).join('')}
      <div class="panel"><h2>Review queue</h2><dl class="kv"><dt>Open</dt><dd>${esc(q.open)}</dd><dt>Claimed</dt><dd>${esc(q.claimed)}</dd>
        <dt>Oldest</dt><dd>${q.oldestOpenedAt ? `${esc(fmtTime(q.oldestOpenedAt))} (${esc(Math.round(q.oldestAgeSeconds / 60))} min)` : '–'}</dd></dl></div></div>`;
  });
};

/** The ten score buckets 0.0-0.1 .. 0.9-1.0, empty ones included. */
function histogram(buckets) {
  const counts = new Array(10).fill(0);
  for (const b of buckets) counts[Math.min(9, Math.round(b.from * 10))] += b.count;
  return counts.map((value, i) => ({ label: (i / 10).toFixed(1), value }));
}

pages.models = async () => {
  main.innerHTML = '<p class="muted">loading…</p>';
  await guarded(async () => {
    const m = await api('/v1/models');
    const one = (s, name) => (s ? `<div class="panel"><h2>${name}</h2><dl class="kv"><dt>Version</dt><dd id="${name}-version">${esc(s.modelVersion)}</dd><dt>File</dt><dd>${esc(s.path)}</dd>
      <dt>Review at</dt><dd>${esc(s.thresholds.review)}</dd><dt>Decline at</dt><dd>${esc(s.thresholds.decline)}</dd></dl></div>` : `<div class="panel"><h2>${name}</h2><p class="muted">none</p></div>`);
    main.innerHTML = `<h1>Model and thresholds</h1><p class="muted">as served by node ${esc(m.node)}</p><div class="grid">${one(m.champion, 'champion')}${one(m.challenger, 'challenger')}</div>`;
  });
};

pages.lists = async () => {
  main.innerHTML = `<h1>Block and allow lists</h1>
    <div class="grid"><div class="panel"><h2>Add an entry</h2><form id="add" class="filters">
      <label>List<select name="list"><option>block</option><option>allow</option></select></label>
      <label>Kind<select name="kind"><option>card</option><option>terminal</option><option>customer</option><option>device</option><option>ip</option></select></label>
      <label>Value<input name="value" placeholder="card token, or 203.0.113.0/24"></label>
      <label>Reason<input name="reason" size="28"></label>
      <label>Expires (optional)<input name="expiresAt" placeholder="2026-12-31T00:00:00Z"></label>
      <button>Add</button></form><p class="field-error" id="add-error"></p></div>
    <div class="panel"><h2>Import CSV</h2><form id="import"><label>list,kind,value,reason[,expiresAt] per line
      <textarea name="csv" rows="4" placeholder="block,card,card_tok_1,reported stolen"></textarea></label>
      <div class="actions"><button>Import</button></div></form><p class="field-error" id="import-error"></p><p id="import-result" class="muted"></p></div></div>
    <div class="panel" id="edit-panel" hidden><h2>Change entry #<span id="edit-id"></span> <span id="edit-what" class="muted"></span></h2><form id="edit" class="filters">
      <label>Reason<input name="reason" size="28"></label>
      <label>Expires (empty: never)<input name="expiresAt" placeholder="2026-12-31T00:00:00Z"></label>
      <button>Save</button><button type="button" class="secondary" id="edit-cancel">Cancel</button></form><p class="field-error" id="edit-error"></p></div>
    <div class="panel"><h2>In force</h2><table id="entries"><thead><tr><th>#</th><th>List</th><th>Kind</th><th>Value</th><th>Reason</th><th>By</th><th>Added</th><th>Expires</th><th></th></tr></thead><tbody></tbody></table></div>
    <div class="panel"><h2>History</h2><table id="changes"><tbody></tbody></table></div>`;
  const inForce = new Map();
  const load = () => guarded(async () => {
    const page = await api('/v1/lists?limit=500');
    inForce.clear();
    page.items.forEach((e) => inForce.set(String(e.id), e));
    document.querySelector('#entries tbody').innerHTML = page.items.map((e) => `<tr data-entry="${e.id}"><td>${e.id}</td><td>${esc(e.list)}</td><td>${esc(e.kind)}</td><td>${esc(e.value)}</td>
      <td>${esc(e.reason)}</td><td>${esc(e.addedBy)}</td><td>${esc(fmtTime(e.addedAt))}</td><td>${esc(fmtTime(e.expiresAt) || '–')}</td>
      <td><button class="secondary edit" data-id="${e.id}">Edit</button> <button class="secondary remove" data-id="${e.id}">Remove</button></td></tr>`).join('') || '<tr><td colspan="9" class="muted">No entries.</td></tr>';
    const changes = await api('/v1/risk/changes?limit=50');
    document.querySelector('#changes tbody').innerHTML = changes.items.map((c) => `<tr><td>${esc(fmtTime(c.at))}</td><td>${esc(c.actor)}</td><td>${esc(c.action)}</td>
      <td class="muted">${esc(c.after ? (c.after.value ? `${c.after.list} ${c.after.kind} ${c.after.value}` : JSON.stringify(c.after)) : '')}</td></tr>`).join('');
  });
  const fieldError = (out, e) => { out.textContent = `${e.message}${e.field ? ` (${e.field}: ${e.rule})` : ''}`; };
  document.getElementById('add').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(ev.target));
    if (!f.expiresAt) delete f.expiresAt;
    const out = document.getElementById('add-error');
    try { await api('/v1/lists', { method: 'POST', body: JSON.stringify(f) }); out.textContent = ''; ev.target.reset(); await load(); } catch (e) { fieldError(out, e); }
  });
  document.getElementById('import').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = document.getElementById('import-error');
    try {
      const r = await api('/v1/lists/import', { method: 'POST', body: new FormData(ev.target).get('csv'), headers: { 'Content-Type': 'text/csv' } });
      out.textContent = '';
      document.getElementById('import-result').textContent = `${r.added} added, ${r.alreadyInForce} already in force`;
      await load();
    } catch (e) { fieldError(out, e); }
  });
  const panel = document.getElementById('edit-panel');
  const edit = document.getElementById('edit');
  document.getElementById('entries').addEventListener('click', (ev) => {
    const e = ev.target.closest('button.edit');
    if (e) {
      // an entry's reason and expiry change in place; its list, kind and value are the entry itself
      const entry = inForce.get(e.dataset.id);
      document.getElementById('edit-id').textContent = entry.id;
      document.getElementById('edit-what').textContent = `${entry.list} ${entry.kind} ${entry.value}`;
      edit.elements.reason.value = entry.reason;
      edit.elements.expiresAt.value = entry.expiresAt || '';
      document.getElementById('edit-error').textContent = '';
      panel.hidden = false;
      edit.elements.reason.focus();
      return;
    }
    const b = ev.target.closest('button.remove');
    if (b) guarded(async () => { await api(`/v1/lists/${b.dataset.id}`, { method: 'DELETE' }); await load(); });
  });
  document.getElementById('edit-cancel').addEventListener('click', () => { panel.hidden = true; });
  edit.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(edit));
    const out = document.getElementById('edit-error');
    try {
      await api(`/v1/lists/${document.getElementById('edit-id').textContent}`, { method: 'PATCH', body: JSON.stringify({ reason: f.reason, expiresAt: f.expiresAt || null }) });
      out.textContent = '';
      panel.hidden = true;
      await load();
    } catch (e) { fieldError(out, e); }
  });
  await load();
};

pages.rules = async () => {
  const day = (d) => new Date(Date.now() - d * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  main.innerHTML = `<h1>Rules</h1>
    <div class="grid"><div class="panel"><h2>Write a rule</h2><form id="rule">
      <label>Name<input name="name" placeholder="high_amount_new_card"></label>
      <label>Expression (CEL over tx, features, score, listed)<textarea name="expression" rows="3" placeholder="tx.amount > 10000.0 && features.card_count_30d < 2.0"></textarea></label>
      <div class="filters"><label>Action<select name="action"><option>REVIEW</option><option>DECLINE</option><option>APPROVE</option><option>NONE</option></select></label>
      <label>Reason code<input name="reasonCode" placeholder="HIGH_AMOUNT_NEW_CARD"></label>
      <label>Score adjustment (NONE only)<input name="scoreAdjustment" value="0" size="6"></label>
      <label>Priority<input name="priority" value="100" size="6"></label>
      <label>State<select name="state"><option>shadow</option><option>active</option><option>disabled</option></select></label></div>
      <p class="field-error" id="rule-error"></p>
      <div class="actions"><button type="submit" id="save">Save</button><button type="button" class="secondary" id="backtest">Backtest</button></div>
      <div class="filters"><label>Backtest from<input name="from" value="${esc(day(7))}"></label><label>to<input name="to" value="${esc(day(0))}"></label></div>
    </form><div id="backtest-result"></div></div>
    <div class="panel"><h2>In force (newest version of each)</h2><table id="rules"><thead><tr><th>Name</th><th>v</th><th>State</th><th>Action</th><th>Code</th><th>Adjust</th><th>Priority</th><th>Expression</th><th></th></tr></thead><tbody></tbody></table></div></div>
    <div class="panel"><h2>History</h2><table id="rule-history"><tbody></tbody></table></div>`;
  const form = document.getElementById('rule');
  const out = document.getElementById('rule-error');
  const body = () => {
    const f = Object.fromEntries(new FormData(form));
    return { expression: f.expression, action: f.action, reasonCode: f.reasonCode, scoreAdjustment: Number(f.scoreAdjustment || 0), priority: Number(f.priority), state: f.state };
  };
  const load = () => guarded(async () => {
    const rules = await api('/v1/rules');
    document.querySelector('#rules tbody').innerHTML = rules.items.map((r) => `<tr data-rule="${esc(r.name)}"><td>${esc(r.name)}</td><td>${r.version}</td><td><span class="tag ${r.state === 'active' ? 'open' : 'resolved'}">${esc(r.state)}</span></td>
      <td>${esc(r.action)}</td><td>${esc(r.reasonCode)}</td><td>${r.scoreAdjustment ? esc(r.scoreAdjustment > 0 ? `+${r.scoreAdjustment}` : r.scoreAdjustment) : '–'}</td><td>${esc(r.priority)}</td><td><code>${esc(r.expression)}</code></td>
      <td><button class="secondary edit" data-name="${esc(r.name)}">Edit</button> <button class="secondary toggle" data-name="${esc(r.name)}">${r.state === 'active' ? 'To shadow' : 'Activate'}</button></td></tr>`).join('') || '<tr><td colspan="9" class="muted">No rules.</td></tr>';
    rules.items.forEach((r) => { document.querySelectorAll(`button[data-name="${CSS.escape(r.name)}"]`).forEach((b) => { b.rule = r; }); });
    const changes = await api('/v1/risk/changes?limit=50');
    document.querySelector('#rule-history tbody').innerHTML = changes.items.filter((c) => c.object === 'rule').map((c) => `<tr><td>${esc(fmtTime(c.at))}</td><td>${esc(c.actor)}</td>
      <td>${esc(c.objectId)}</td><td>${esc(c.action)}</td><td class="muted">${esc(c.before ? `v${c.before.version} ${c.before.state}` : '–')} → ${esc(`v${c.after.version} ${c.after.state}`)}</td></tr>`).join('');
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = new FormData(form).get('name');
    if (!name) { out.textContent = 'Give the rule a name (a-z, 0-9, _ and -).'; return; }
    try { await api(`/v1/rules/${encodeURIComponent(name)}`, { method: 'PUT', body: JSON.stringify(body()) }); out.textContent = ''; await load(); }
    catch (e) { out.textContent = `${e.message}${e.field ? ` (${e.field}: ${e.rule})` : ''}`; }
  });
  document.getElementById('backtest').addEventListener('click', async () => {
    const f = Object.fromEntries(new FormData(form));
    const result = document.getElementById('backtest-result');
    try {
      const r = await api('/v1/rules/backtest', { method: 'POST', body: JSON.stringify({ from: f.from, to: f.to, rule: { expression: f.expression, action: f.action, reasonCode: f.reasonCode || 'BACKTEST', scoreAdjustment: Number(f.scoreAdjustment || 0) } }) });
      out.textContent = '';
      const changes = Object.entries(r.changes).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join(', ') || 'none';
      result.innerHTML = `<dl class="kv" id="backtest-figures"><dt>Decisions</dt><dd>${esc(r.decisions)}</dd><dt>Rule held</dt><dd>${esc(r.ruleHeld)}</dd>
        <dt>Would change</dt><dd>${esc(r.changed)} (${changes})</dd><dt>Labelled · frauds</dt><dd>${esc(r.labelled)} · ${esc(r.frauds)}</dd>
        <dt>Precision · recall</dt><dd>${esc(r.precision ?? '–')} · ${esc(r.recall ?? '–')} (recorded: ${esc(r.recorded.precision ?? '–')} · ${esc(r.recorded.recall ?? '–')})</dd>
        <dt>Took</dt><dd>${esc(r.tookMs)} ms</dd></dl>`;
    } catch (e) { out.textContent = `${e.message}${e.field ? ` (${e.field}: ${e.rule})` : ''}`; }
  });
  document.getElementById('rules').addEventListener('click', (ev) => {
    const edit = ev.target.closest('button.edit');
    if (edit) {
      // the rule's newest version into the form: saving it under the same name makes the next version
      const r = edit.rule;
      for (const k of ['name', 'expression', 'action', 'reasonCode', 'scoreAdjustment', 'priority', 'state']) form.elements[k].value = r[k] ?? '';
      out.textContent = '';
      form.elements.expression.focus();
      return;
    }
    const b = ev.target.closest('button.toggle');
    if (!b) return;
    const r = b.rule;
    guarded(async () => {
      await api(`/v1/rules/${encodeURIComponent(r.name)}`, { method: 'PUT', body: JSON.stringify({ expression: r.expression, action: r.action, reasonCode: r.reasonCode, scoreAdjustment: r.scoreAdjustment, priority: r.priority, state: r.state === 'active' ? 'shadow' : 'active' }) });
      await load();
    });
  });
  await load();
};

// ---- routing ---------------------------------------------------------------------------------------------------

async function route() {
  stopPage();
  stopPage = () => {};
  const [path, query] = (location.hash.slice(1) || '/queue').split('?');
  const [, page, id] = path.split('/');
  const params = new URLSearchParams(query || '');
  if (!sessionStorage.getItem(KEY) && page !== 'login') { location.hash = '#/login'; return; }
  if (page !== 'login') {
    document.getElementById('nav').hidden = false;
    document.getElementById('signout').hidden = false;
  }
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === page));
  showError('');
  const render = pages[page] || pages.queue;
  const stop = await render(id ? decodeURIComponent(id) : undefined, params);
  if (typeof stop === 'function') stopPage = stop;
}

document.getElementById('signout').addEventListener('click', () => { sessionStorage.removeItem(KEY); location.hash = '#/login'; });
window.addEventListener('hashchange', route);
route();

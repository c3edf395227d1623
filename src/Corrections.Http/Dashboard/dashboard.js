// The Corrections dashboard: a page over the HTTP API v1, nothing else. Every figure it shows is an API answer, every
// decision an API call, so what the page does a script can do too. No framework and no CDN: the worker serves this file.
// Text from the registry (reasons, producers' names) is set as text, never as HTML.
'use strict';

const authKey = 'corrections.auth';
const view = document.getElementById('view');
let session = JSON.parse(sessionStorage.getItem(authKey) || 'null');

class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

// One call of the API with this session's credentials; a problem details answer becomes an ApiError with its detail.
async function api(path, { method = 'GET', body } = {}) {
  // X-Requested-With spares the page the browser's own password dialog on a refused login.
  const headers = { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
  if (session) headers['Authorization'] = session.header;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const payload = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, (payload && (payload.detail || payload.title)) || response.statusText);
  return payload;
}

// --- DOM helpers ---------------------------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function table(headings, rows, attributes = {}) {
  return el('table', attributes,
    el('thead', {}, el('tr', {}, headings.map(h => el('th', { class: /^(error|drawdown|cum|corrections|examples|count|steps)/.test(h) ? 'num' : null }, h)))),
    el('tbody', {}, rows));
}

const num = (value, digits = 2) => value === null || value === undefined ? '' : Number(value).toFixed(digits);
const when = value => value ? new Date(value).toISOString().replace('T', ' ').slice(0, 19) : '';
const status = value => el('span', { class: `status-${value}` }, value);
const modelLink = name => el('a', { href: `#/models/${encodeURIComponent(name)}` }, name);
const versionLink = (model, number) => el('a', { href: `#/models/${encodeURIComponent(model)}/versions/${number}` }, `v${number}`);
const isOperator = () => session && session.kind === 'operator';

function flash(message, error = false) {
  const box = document.getElementById('flash');
  box.textContent = message;
  box.className = error ? 'error' : '';
}

// --- signing in ----------------------------------------------------------------------------------------------------

function renderWho() {
  const who = document.getElementById('who');
  who.replaceChildren();
  if (!session) return;
  who.append(el('span', { id: 'signed-in' }, session.kind === 'operator' ? `${session.login} (operator)` : 'producer key (read only)'),
    el('button', { onclick: () => { sessionStorage.removeItem(authKey); session = null; route(); } }, 'Sign out'));
}

function renderSignIn(problem) {
  const login = el('input', { id: 'login', name: 'login', autocomplete: 'username', required: true });
  const password = el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const key = el('input', { id: 'api-key', name: 'key', autocomplete: 'off', required: true });
  const signIn = async (candidate, check) => {
    session = candidate;
    try {
      await check();
      sessionStorage.setItem(authKey, JSON.stringify(session));
      flash('');
      route();
    } catch (e) {
      session = null;
      renderSignIn(e.message);
    }
  };
  view.replaceChildren(
    el('h1', {}, 'Sign in'),
    el('p', { class: 'muted' }, 'Operators sign in with their registry login (the one `corrections` uses) and may decide; a producer\'s API key reads.'),
    problem ? el('p', { class: 'status-Rejected', role: 'alert' }, problem) : null,
    el('form', {
      class: 'signin', id: 'operator-signin', onsubmit: e => {
        e.preventDefault();
        const header = 'Basic ' + btoa(unescape(encodeURIComponent(`${login.value}:${password.value}`)));
        signIn({ kind: 'operator', login: login.value, header }, async () => { session.login = (await api('/v1/operator')).login; });
      },
    }, el('fieldset', {}, el('legend', {}, 'Operator'),
      el('label', {}, 'Registry login', login), el('label', {}, 'Password', password),
      el('button', { class: 'primary', type: 'submit' }, 'Sign in as operator'))),
    el('form', {
      class: 'signin', id: 'producer-signin', onsubmit: e => {
        e.preventDefault();
        signIn({ kind: 'producer', header: `Bearer ${key.value.trim()}` }, () => api('/v1/models'));
      },
    }, el('fieldset', {}, el('legend', {}, 'Producer (read only)'),
      el('label', {}, 'API key', key), el('button', { type: 'submit' }, 'Sign in with key'))));
  renderWho();
}

// --- decisions -----------------------------------------------------------------------------------------------------

// Asks for a reason (when the decision needs one) in the page's dialog; resolves to the reason, or null if cancelled.
function confirmDecision(title, text, needsReason) {
  const dialog = document.getElementById('decision');
  const reason = document.getElementById('decision-reason');
  document.getElementById('decision-title').textContent = title;
  document.getElementById('decision-text').textContent = text;
  document.getElementById('decision-reason-label').hidden = !needsReason;
  reason.required = needsReason;
  reason.value = '';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm' ? reason.value : null), { once: true });
    dialog.showModal();
  });
}

async function decide(title, text, needsReason, call, done) {
  const reason = await confirmDecision(title, text, needsReason);
  if (reason === null) return;
  try {
    flash(done(await call(reason)));
    route();
  } catch (e) {
    flash(`${title}: ${e.message}`, true);
  }
}

function versionActions(model, row, production) {
  if (!isOperator()) return null;
  const path = `/v1/models/${encodeURIComponent(model)}`;
  const buttons = [];
  if (row.status === 'Accepted' && production !== undefined && row.version !== production) {
    const back = row.version < production;
    const verb = back ? 'Roll back' : 'Promote';
    buttons.push(el('button', {
      class: back ? 'danger' : null, 'data-action': back ? 'rollback' : 'promote', 'data-version': row.version,
      onclick: () => decide(`${verb} to v${row.version}`, `production is v${production}; it will point at v${row.version}.`, true,
        reason => api(`${path}/${back ? 'rollback' : 'promote'}`, { method: 'POST', body: { version: row.version, reason } }),
        moved => `${back ? 'Rolled back' : 'Promoted'} ${moved.model}: ${moved.alias} v${moved.fromVersion} → v${moved.toVersion} as ${moved.actor}.`),
    }, verb));
  }
  if (row.status === 'AwaitingApproval') {
    buttons.push(el('button', {
      class: 'primary', 'data-action': 'approve', 'data-version': row.version,
      onclick: () => decide(`Approve v${row.version}`, 'It passed the gate and carries a reviewed producer\'s corrections.', false,
        () => api(`${path}/versions/${row.version}/approve`, { method: 'POST' }),
        outcome => outcome.promoted ? `Approved v${outcome.version}: it is production now.` : `Approved v${outcome.version}; production had moved, so its reports are edited again on it.`),
    }, 'Approve'));
    buttons.push(el('button', {
      class: 'danger', 'data-action': 'refuse', 'data-version': row.version,
      onclick: () => decide(`Refuse v${row.version}`, 'Its reports are rejected.', true,
        reason => api(`${path}/versions/${row.version}/refuse`, { method: 'POST', body: { reason } }),
        outcome => `Refused v${outcome.version}; ${outcome.reports} report(s) rejected.`),
    }, 'Refuse'));
  }
  return el('div', { class: 'row-actions' }, buttons);
}

// --- the chart -----------------------------------------------------------------------------------------------------

// Error and cumulative drawdown over versions, one panel each on a shared version axis. Accepted versions are the
// line (the chain as it stood); rejected candidates are hollow rings, so what the gate turned away is visible too.
function chart(versions) {
  const measured = versions.filter(v => v.errorPct !== null && v.errorPct !== undefined);
  if (measured.length === 0) return el('p', { class: 'muted' }, 'No version has validation figures yet.');
  const width = 1000, panel = 150, gap = 34, left = 54, right = 12, top = 12;
  const height = top + 2 * panel + gap + 30;
  const xs = measured.map(v => v.version);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const x = n => left + (x1 === x0 ? 0.5 : (n - x0) / (x1 - x0)) * (width - left - right);
  const root = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'error and cumulative drawdown over versions' });
  const panels = [
    { key: 'errorPct', label: 'error %', css: 'error', y0: top },
    { key: 'cumulativeDrawdownPp', label: 'cum. drawdown pp', css: 'drawdown', y0: top + panel + gap },
  ];
  for (const p of panels) {
    const values = measured.map(v => v[p.key]).filter(v => v !== null && v !== undefined);
    // Drawdown from zero (the base's own); error on the range it moves in, padded, so a change of a point shows.
    let [lo, hi] = [Math.min(...values), Math.max(...values)];
    const pad = Math.max((hi - lo) * 0.1, 0.5);
    [lo, hi] = p.key === 'errorPct' ? [Math.max(0, lo - pad), hi + pad] : [Math.min(0, lo), hi + pad];
    const y = value => p.y0 + panel - (value - lo) / (hi - lo) * panel;
    root.append(svg('text', { x: left + 8, y: p.y0 + 12 }, p.label));
    for (const tick of [lo, (lo + hi) / 2, hi]) {
      root.append(svg('line', { class: 'axis', x1: left, x2: width - right, y1: y(tick), y2: y(tick) }),
        svg('text', { x: left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, tick.toFixed(1)));
    }
    root.append(svg('line', { class: 'axis', x1: left, x2: left, y1: p.y0, y2: p.y0 + panel }));
    const chain = measured.filter(v => v.status === 'Accepted' && v[p.key] !== null);
    root.append(svg('polyline', { class: `series-${p.css}`, points: chain.map(v => `${x(v.version).toFixed(1)},${y(v[p.key]).toFixed(1)}`).join(' ') }));
    for (const v of measured) {
      if (v[p.key] === null) continue;
      const accepted = v.status === 'Accepted';
      root.append(svg('circle', {
        class: accepted ? `point-${p.css}` : 'point-rejected', cx: x(v.version).toFixed(1), cy: y(v[p.key]).toFixed(1), r: accepted ? 3 : 3.5,
        'data-version': v.version,
      }, svg('title', {}, `v${v.version} ${v.kind} ${v.status}: ${num(v[p.key])}`)));
    }
  }
  const axisY = top + 2 * panel + gap + 16;
  root.append(svg('text', { x: left, y: axisY }, `v${x0}`), svg('text', { x: width - right, y: axisY, 'text-anchor': 'end' }, `v${x1}`),
    svg('text', { x: (left + width) / 2, y: axisY, 'text-anchor': 'middle' }, 'version'));
  return el('div', {},
    el('div', { class: 'legend' },
      el('span', {}, el('span', { class: 'swatch error' }), 'error on the first validation set'),
      el('span', {}, el('span', { class: 'swatch drawdown' }), 'cumulative drawdown vs the base'),
      el('span', {}, el('span', { class: 'swatch rejected' }), 'rejected or waiting candidate')),
    root);
}

// --- views ---------------------------------------------------------------------------------------------------------

async function renderModels() {
  const models = await api('/v1/models');
  view.replaceChildren(el('h1', {}, 'Models'),
    el('section', { class: 'card' }, models.length === 0
      ? el('p', { class: 'muted' }, 'No model is registered yet: `corrections register` adds one.')
      : table(['model', 'architecture', 'input', 'classes', 'versions', 'aliases', 'registered'], models.map(m => el('tr', {},
        el('td', {}, modelLink(m.name)), el('td', {}, m.architecture), el('td', {}, m.inputShape.join('×')), el('td', {}, m.classCount),
        el('td', { class: 'num' }, m.versions),
        el('td', {}, Object.entries(m.aliases).map(([alias, n]) => el('span', { class: 'badge alias' }, `${alias} v${n}`))),
        el('td', {}, when(m.createdAt)))), { id: 'models' })));
}

// A model's newest versions: the last page of the API's paging.
async function newestVersions(model) {
  const path = `/v1/models/${encodeURIComponent(model)}/versions?size=500`;
  const first = await api(path);
  if (first.total <= first.size) return first;
  return api(`${path}&page=${Math.ceil(first.total / first.size)}`);
}

async function renderModel(model) {
  const encoded = encodeURIComponent(model);
  const [row, page, backlog, reports] = await Promise.all([
    api(`/v1/models/${encoded}`), newestVersions(model), api(`/v1/models/${encoded}/backlog`), api(`/v1/reports?model=${encoded}&limit=20`)]);
  const production = row.aliases.production;
  const aliasesOf = n => Object.entries(row.aliases).filter(([, v]) => v === n).map(([a]) => el('span', { class: 'badge alias' }, a));
  const newestFirst = [...page.versions].reverse();
  view.replaceChildren(
    el('div', { class: 'crumbs' }, el('a', { href: '#/' }, 'Models'), ' / ', model),
    el('h1', {}, model),
    el('p', { class: 'muted' }, `${row.architecture}, ${row.inputShape.join('×')} → ${row.classCount} classes; production is `,
      production === undefined ? 'not set' : versionLink(model, production), `; ${page.total} versions.`,
      isOperator() ? ' ' : null,
      isOperator() ? el('button', {
        id: 'retrain', onclick: () => decide(`Retrain ${model}`, 'A worker node folds the corrections in; the gate judges the result.', false,
          () => api(`/v1/models/${encoded}/retrain`, { method: 'POST' }),
          accepted => `Asked the scheduler to retrain ${accepted.model} (trigger ${accepted.trigger}, ${accepted.corrections} corrections).`),
      }, 'Retrain now') : null),
    el('section', { class: 'card', id: 'chart' }, el('h2', {}, 'Error and cumulative drawdown over versions'), chart(page.versions)),
    el('div', { class: 'grid' },
      el('section', { class: 'card', id: 'backlog' }, el('h2', {}, `Backlog: ${backlog.backlogged} waiting for retraining`),
        backlog.backlogged === 0 ? el('p', { class: 'muted' }, 'Nothing waits: every correction so far was edited in, rejected or folded.') :
          table(['cause', 'count'], Object.entries(backlog.causes).map(([cause, count]) => el('tr', {}, el('td', {}, cause), el('td', { class: 'num' }, count)))),
        el('h2', {}, 'Reports by status'),
        table(['status', 'count'], Object.entries(backlog.statuses).map(([s, count]) => el('tr', {}, el('td', {}, status(s)), el('td', { class: 'num' }, count))))),
      el('section', { class: 'card', id: 'reports' }, el('h2', {}, 'Recent reports'),
        reports.length === 0 ? el('p', { class: 'muted' }, 'None yet.') :
          table(['received', 'status', 'label', 'version', 'reason'], reports.map(r => el('tr', {},
            el('td', {}, when(r.receivedAt)), el('td', {}, status(r.status)), el('td', {}, `${r.predictedLabel} → ${r.correctLabel}`),
            el('td', {}, r.version ? versionLink(model, r.version) : ''), el('td', { class: 'reason' }, r.reason || '')))))),
    el('section', { class: 'card' }, el('h2', {}, page.total > page.versions.length ? `Versions (newest ${page.versions.length} of ${page.total})` : 'Versions'),
      table(['version', 'kind', 'status', 'alias', 'corrections', 'error %', 'drawdown pp', 'cum. drawdown pp', 'created', 'reason', ''],
        newestFirst.map(v => el('tr', { 'data-version': v.version },
          el('td', {}, versionLink(model, v.version)), el('td', {}, v.kind), el('td', {}, status(v.status)), el('td', {}, aliasesOf(v.version)),
          el('td', { class: 'num' }, v.corrections), el('td', { class: 'num' }, num(v.errorPct)), el('td', { class: 'num' }, num(v.drawdownPp)),
          el('td', { class: 'num' }, num(v.cumulativeDrawdownPp)), el('td', {}, when(v.createdAt)), el('td', { class: 'reason' }, v.reason || ''),
          el('td', {}, versionActions(model, v, production)))), { id: 'versions' })));
}

async function download(model, number, format) {
  try {
    const response = await fetch(`/v1/models/${encodeURIComponent(model)}/versions/${number}/artifact?format=${format}`,
      { headers: { 'Authorization': session.header, 'X-Requested-With': 'XMLHttpRequest' } });
    if (!response.ok) throw new Error(response.statusText);
    const link = el('a', { href: URL.createObjectURL(await response.blob()), download: `${model}-v${number}.${format}` });
    link.click();
    URL.revokeObjectURL(link.href);
  } catch (e) {
    flash(`Download: ${e.message}`, true);
  }
}

async function renderVersion(model, number) {
  const detail = await api(`/v1/models/${encodeURIComponent(model)}/versions/${number}`);
  const v = detail.summary;
  view.replaceChildren(
    el('div', { class: 'crumbs' }, el('a', { href: '#/' }, 'Models'), ' / ', modelLink(model), ` / v${number}`),
    el('h1', {}, `${model} v${number}`),
    el('section', { class: 'card' }, el('dl', { class: 'facts', id: 'facts' },
      el('dt', {}, 'kind'), el('dd', {}, v.kind),
      el('dt', {}, 'status'), el('dd', {}, status(v.status)),
      el('dt', {}, 'parent'), el('dd', {}, v.parent ? versionLink(model, v.parent) : '—'),
      el('dt', {}, 'alias'), el('dd', {}, v.alias || '—'),
      el('dt', {}, 'corrections carried'), el('dd', {}, v.corrections),
      el('dt', {}, 'created'), el('dd', {}, `${when(v.createdAt)} by ${v.createdBy}`),
      el('dt', {}, 'gate'), el('dd', {}, v.reason || '—'),
      el('dt', {}, 'sha-256'), el('dd', {}, el('code', {}, detail.sha256)),
      el('dt', {}, 'stored'), el('dd', {}, `${(v.bytes / 1024).toFixed(0)} KiB${v.delta ? ' (a delta on its parent)' : ''} `,
        el('button', { onclick: () => download(model, number, 'ctm') }, '.ctm'), ' ',
        el('button', { onclick: () => download(model, number, 'safetensors') }, '.safetensors')))),
    el('section', { class: 'card', id: 'validations' }, el('h2', {}, 'Validations'),
      detail.validations.length === 0 ? el('p', { class: 'muted' }, 'The gate recorded no figures for this version.') :
        table(['set', 'examples', 'error %', 'parent %', 'base %', 'drawdown pp', 'cum. drawdown pp', 'passed', 'reason'],
          detail.validations.map(r => el('tr', {},
            el('td', {}, r.set), el('td', { class: 'num' }, r.examples), el('td', { class: 'num' }, num(r.errorRate * 100)),
            el('td', { class: 'num' }, num(r.parentErrorRate * 100)), el('td', { class: 'num' }, num(r.baseErrorRate * 100)),
            el('td', { class: 'num' }, num(r.drawdownPp)), el('td', { class: 'num' }, num(r.cumulativeDrawdownPp)),
            el('td', {}, r.passed ? status('Accepted') : status('Rejected')), el('td', { class: 'reason' }, r.reason || ''))))),
    el('section', { class: 'card', id: 'lineage' }, el('h2', {}, 'Lineage: the corrections each version on the way back to the base made'),
      table(['version', 'kind', 'status', 'created by', 'corrections'], detail.lineage.map(step => el('tr', {},
        el('td', {}, versionLink(model, step.version)), el('td', {}, step.kind), el('td', {}, status(step.status)), el('td', {}, step.createdBy),
        el('td', {}, step.reports.length === 0 ? '' : el('ul', {}, step.reports.map(r =>
          el('li', {}, `${r.predictedLabel} → ${r.correctLabel} (${r.source}${r.editSteps ? `, ${r.editSteps} steps` : ''}) `, el('code', {}, r.reportId.slice(0, 8)))))))))));
}

// --- routing -------------------------------------------------------------------------------------------------------

async function route() {
  renderWho();
  if (!session) return renderSignIn();
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    if (parts[0] === 'models' && parts[1] && parts[2] === 'versions' && parts[3]) await renderVersion(parts[1], Number(parts[3]));
    else if (parts[0] === 'models' && parts[1]) await renderModel(parts[1]);
    else await renderModels();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      sessionStorage.removeItem(authKey);
      session = null;
      return renderSignIn(e.message);
    }
    view.replaceChildren(el('h1', {}, 'Not shown'), el('p', { class: 'status-Rejected', role: 'alert' }, e.message));
  }
}

window.addEventListener('hashchange', () => { flash(''); route(); });
route();

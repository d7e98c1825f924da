// The playground page: akbp's core, compiled to WebAssembly (pkg/, built by
// tools/wasm-chroot.sh), checks and generates blueprints inside the page. The module's
// functions take and return JSON text; this file only draws what they return.
import init, * as akbp from './pkg/akbp_wasm.js';
import { decodeShare, encodeShare } from './share.js';
import { renderMarkdown } from './markdown.js';

// Where the rule pages of the docs site are: the playground is published at <site>/playground/.
const RULES_BASE = new URL('../rules/', document.baseURI);
const SEVERITY_ORDER = { error: 3, warning: 2, info: 1 };

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node[k] = v;
  }
  node.append(...children);
  return node;
};

const EXAMPLE = `# A blueprint to try: it has mistakes akbp finds.
version: 1
metadata:
  name: wiki
entries:
  - model: authentik_providers_oauth2.oauth2provider
    id: provider
    identifiers:
      name: wiki
    attrs:
      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]
      client_type: confidential
      redirect_uris: https://wiki.example.com/callback
  - model: authentik_core.application
    identifiers:
      slug: wiki
    attrs:
      name: Wiki
      provider: !KeyOf provder
`;

let rulesByCode = new Map();
let lastFindings = [];

async function main() {
  try {
    await init();
  } catch (e) {
    setStatus(`akbp could not start in this browser: ${e}`, true);
    return;
  }
  $('version').textContent = akbp.version();
  const { default: defaultTarget, targets } = JSON.parse(akbp.targets());
  for (const select of [$('target'), $('gen-target')]) {
    select.append(el('option', { value: '', textContent: `default (${defaultTarget})` }));
    for (const t of targets) select.append(el('option', { value: t, textContent: t }));
  }
  rulesByCode = new Map(JSON.parse(akbp.rules()).map((r) => [r.code, r]));

  setupTabs();
  setupEditor();
  setupGenerate();

  let shared = null;
  let status = 'Ready: akbp runs in this page.';
  if (location.hash.length > 1) {
    try {
      shared = await decodeShare(location.hash);
    } catch (e) {
      status = `The shared link could not be read: ${e.message}`;
    }
  }
  if (shared) {
    $('source').value = shared.text;
    if ([...$('target').options].some((o) => o.value === shared.target)) $('target').value = shared.target;
    if (shared.filename) $('filename').value = shared.filename;
  } else {
    $('source').value = EXAMPLE;
  }
  validateNow();
  setStatus(status, status !== 'Ready: akbp runs in this page.');
  document.body.dataset.ready = 'true';
}

function setStatus(text, bad = false) {
  $('status').textContent = text;
  $('status').classList.toggle('bad', bad);
}

// ---------------------------------------------------------------------------------------
// Tabs

function setupTabs() {
  const tabs = [$('tab-validate'), $('tab-generate')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => showTab(tab.id));
  }
}

function showTab(id) {
  for (const tab of [$('tab-validate'), $('tab-generate')]) {
    const on = tab.id === id;
    tab.setAttribute('aria-selected', String(on));
    $(tab.getAttribute('aria-controls')).hidden = !on;
  }
}

// ---------------------------------------------------------------------------------------
// Validate

let timer = 0;
function setupEditor() {
  const src = $('source');
  const again = () => {
    clearTimeout(timer);
    timer = setTimeout(validateNow, 150);
  };
  src.addEventListener('input', again);
  $('target').addEventListener('change', validateNow);
  $('filename').addEventListener('input', again);
  src.addEventListener('scroll', syncScroll);
  src.addEventListener('keydown', (e) => {
    // Tab inserts two spaces (YAML forbids tabs for indentation).
    if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      document.execCommand('insertText', false, '  ');
    }
  });
  $('share').addEventListener('click', share);
}

function validateNow() {
  clearTimeout(timer);
  const text = $('source').value;
  let report;
  try {
    report = JSON.parse(akbp.validate(text, $('target').value, $('filename').value || 'blueprint.yaml'));
  } catch (e) {
    setStatus(`akbp failed: ${e}`, true);
    return;
  }
  lastFindings = report.findings;
  drawFindings(report);
  drawHighlight(text, report.findings);
  $('findings').dataset.checks = String(Number($('findings').dataset.checks ?? 0) + 1);
  updateHash();
}

function drawFindings(report) {
  const list = $('findings');
  list.replaceChildren();
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of report.findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  const parts = Object.entries(counts)
    .filter(([, n]) => n)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : s === 'info' ? '' : 's'}`);
  let summary = parts.length ? parts.join(', ') : 'No findings';
  if (report.skipped) summary = `Not checked: ${report.skipped}`;
  $('summary').textContent = `${summary} (target ${report.target})`;
  report.findings.forEach((f, index) => {
    const code = f.case ? `${f.code}/${f.case}` : f.code;
    const item = el(
      'li',
      { class: `finding ${f.severity}`, tabIndex: 0, dataset: { code: f.code, line: String(f.line), index: String(index) } },
      el('span', { class: 'where', textContent: `${f.line}:${f.column}` }),
      el('span', { class: `sev ${f.severity}`, textContent: f.severity }),
      el('span', { class: 'code', textContent: code }),
      el('span', { class: 'message', textContent: f.message }),
    );
    if (f.help) item.append(el('div', { class: 'help', textContent: f.help }));
    for (const l of f.labels) {
      item.append(el('div', { class: 'label', textContent: `${l.line}:${l.column} ${l.message}` }));
    }
    const open = () => selectFinding(index);
    item.addEventListener('click', open);
    item.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
    list.append(item);
  });
}

function selectFinding(index) {
  const f = lastFindings[index];
  if (!f) return;
  for (const li of $('findings').children) li.classList.toggle('active', li.dataset.index === String(index));
  showRule(f.code, f.case);
  // Select the finding's text in the editor and bring its line into view.
  const src = $('source');
  const end = Math.max(f.end, f.start);
  src.focus({ preventScroll: true });
  src.setSelectionRange(f.start, end);
  const lineHeight = parseFloat(getComputedStyle(src).lineHeight) || 20;
  src.scrollTop = Math.max(0, (f.line - 3) * lineHeight);
  syncScroll();
  for (const line of $('highlight').children) line.classList.toggle('current', line.dataset.line === String(f.line));
}

function showRule(code, caseId) {
  const rule = rulesByCode.get(code);
  if (!rule) return;
  $('rule').hidden = false;
  $('rule').dataset.code = code;
  $('rule-title').textContent = `${rule.code} ${rule.name}`;
  const c = caseId ? rule.cases.find((x) => x.id === caseId) : null;
  $('rule-severity').textContent = c
    ? `case ${c.id}: ${c.summary} (default ${c.severity})`
    : `default severity: ${rule.severity}`;
  const link = $('rule-link');
  link.href = new URL(`${rule.code}/`, RULES_BASE).href;
  const doc = $('rule-doc');
  doc.replaceChildren(renderMarkdown(rule.summary), renderMarkdown(rule.doc, { linkBase: RULES_BASE }));
}

// The editor is a textarea over a <pre> that repeats its text, transparent, with each
// finding's lines tinted and its span underlined. Offsets are UTF-16 code units, as the
// textarea's own.
function drawHighlight(text, findings) {
  const hl = $('highlight');
  const gutter = $('gutter');
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lineSeverity = new Array(lineStarts.length).fill(0);
  // Per-character severity of the spans (the most severe wins where they overlap).
  const marks = [];
  for (const f of findings) {
    const sev = SEVERITY_ORDER[f.severity] ?? 1;
    let start = Math.min(f.start, text.length);
    let end = Math.min(Math.max(f.end, start), text.length);
    if (end === start && end < text.length && text.charCodeAt(end) !== 10) end++;
    const first = lineOf(start);
    const last = lineOf(Math.max(start, end - 1));
    for (let l = first; l <= last; l++) lineSeverity[l] = Math.max(lineSeverity[l], sev);
    if (end > start) marks.push({ start, end, sev });
  }
  const names = ['', 'info', 'warning', 'error'];
  const lines = [];
  const numbers = [];
  for (let l = 0; l < lineStarts.length; l++) {
    const from = lineStarts[l];
    const to = l + 1 < lineStarts.length ? lineStarts[l + 1] - 1 : text.length;
    const div = el('div', { class: `line${lineSeverity[l] ? ` l-${names[lineSeverity[l]]}` : ''}`, dataset: { line: String(l + 1) } });
    // Cut the line where marks start or end.
    const cuts = new Set([from, to]);
    for (const m of marks) {
      if (m.end > from && m.start < to) {
        cuts.add(Math.max(m.start, from));
        cuts.add(Math.min(m.end, to));
      }
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let k = 0; k + 1 < points.length; k++) {
      const a = points[k];
      const b = points[k + 1];
      if (a === b) continue;
      let sev = 0;
      for (const m of marks) if (m.start <= a && m.end >= b) sev = Math.max(sev, m.sev);
      const piece = text.slice(a, b);
      div.append(sev ? el('mark', { class: `m-${names[sev]}`, textContent: piece }) : piece);
    }
    lines.push(div);
    numbers.push(el('div', { class: lineSeverity[l] ? `n-${names[lineSeverity[l]]}` : '', textContent: String(l + 1) }));
  }
  hl.replaceChildren(...lines);
  gutter.replaceChildren(...numbers);
  syncScroll();
}

function syncScroll() {
  const src = $('source');
  $('highlight').style.transform = `translate(${-src.scrollLeft}px, ${-src.scrollTop}px)`;
  $('gutter').style.transform = `translateY(${-src.scrollTop}px)`;
}

let hashTimer = 0;
function updateHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(async () => {
    const fragment = await shareFragment();
    history.replaceState(null, '', `#${fragment}`);
  }, 300);
}

function shareFragment() {
  return encodeShare({ text: $('source').value, target: $('target').value, filename: $('filename').value });
}

async function share() {
  const url = new URL(location.href);
  url.hash = await shareFragment();
  history.replaceState(null, '', url.href);
  $('share').dataset.url = url.href;
  try {
    await navigator.clipboard.writeText(url.href);
    $('share-note').textContent = 'Link copied: the blueprint is inside the link, not on a server.';
  } catch {
    $('share-note').textContent = 'Copy the address bar: the blueprint is inside the link, not on a server.';
  }
}

// ---------------------------------------------------------------------------------------
// Generate

let integrations = [];

function setupGenerate() {
  integrations = JSON.parse(akbp.integrations());
  const select = $('gen-integration');
  const fill = () => {
    const word = $('gen-filter').value.trim().toLowerCase();
    const keep = select.value;
    select.replaceChildren(
      ...integrations
        .filter((i) => !word || i.slug.includes(word) || i.name.toLowerCase().includes(word) || i.category.includes(word))
        .map((i) => el('option', { value: i.slug, textContent: `${i.name} (${i.category})` })),
    );
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
    else if (select.options.length) select.selectedIndex = 0;
    if (select.value !== keep) pickIntegration();
  };
  fill();
  $('gen-filter').addEventListener('input', fill);
  select.addEventListener('change', pickIntegration);
  $('gen-method').addEventListener('change', showMethodFields);
  $('gen-form').addEventListener('submit', (e) => {
    e.preventDefault();
    generate();
  });
  $('gen-copy').addEventListener('click', () => navigator.clipboard?.writeText($('gen-blueprint').textContent).catch(() => {}));
  $('gen-validate').addEventListener('click', () => {
    $('source').value = $('gen-blueprint').textContent;
    $('filename').value = $('gen-filename').textContent || 'blueprint.yaml';
    $('target').value = $('gen-target').value;
    showTab('tab-validate');
    validateNow();
  });
}

function currentIntegration() {
  return integrations.find((i) => i.slug === $('gen-integration').value);
}

function pickIntegration() {
  const integ = currentIntegration();
  const method = $('gen-method');
  method.replaceChildren(...(integ?.methods ?? []).map((m) => el('option', { value: m.name, textContent: `${m.name} (${m.provider_type})` })));
  showMethodFields();
}

// The fields the chosen method uses: the internal URL for a proxy provider, the base DN
// for LDAP, and the values only the application knows (its declared parameters).
function showMethodFields() {
  const integ = currentIntegration();
  const m = integ?.methods.find((x) => x.name === $('gen-method').value);
  $('gen-internal-url-field').hidden = m?.provider_type !== 'proxy';
  $('gen-base-dn-field').hidden = m?.provider_type !== 'ldap';
  const params = $('gen-params');
  params.replaceChildren(el('legend', { textContent: 'Values only the application knows' }));
  for (const name of m?.params ?? []) {
    const p = integ.params.find((x) => x.name === name);
    params.append(
      el(
        'label',
        {},
        el('span', { textContent: `${p.name}: ${p.description}` }),
        el('input', { placeholder: p.example, spellcheck: false, required: true, dataset: { param: p.name } }),
      ),
    );
  }
  params.hidden = !(m?.params ?? []).length;
}

function generate() {
  const integ = currentIntegration();
  if (!integ) return;
  const params = {};
  for (const input of $('gen-params').querySelectorAll('input[data-param]')) {
    if (input.value.trim()) params[input.dataset.param] = input.value.trim();
  }
  const text = (id) => (!$(`${id}-field`)?.hidden && $(id).value.trim()) || null;
  const request = {
    integration: integ.slug,
    method: $('gen-method').value || null,
    app_url: $('gen-app-url').value.trim(),
    authentik_url: $('gen-authentik-url').value.trim(),
    slug: text('gen-slug'),
    internal_url: text('gen-internal-url'),
    base_dn: text('gen-base-dn'),
    target: $('gen-target').value || null,
    secret: $('gen-secret').value,
    allow_group: text('gen-group'),
    params,
  };
  // A random client secret is drawn inside the module from the browser's
  // crypto.getRandomValues: the core has no random source of its own.
  const out = JSON.parse(akbp.generate(JSON.stringify(request)));
  if (!out.ok) {
    $('gen-error').textContent = out.error;
    $('gen-error').hidden = false;
    $('gen-output').hidden = true;
    return;
  }
  $('gen-error').hidden = true;
  $('gen-output').hidden = false;
  $('gen-filename').textContent = out.filename;
  $('gen-blueprint').textContent = out.blueprint;
  drawSettings(out.show, out.notes);
}

// The application side, from the core's `show` view (the JSON of `akbp show --format json`).
function drawSettings(show, notes) {
  const box = $('gen-settings');
  const table = (head, rows) =>
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { textContent: h })))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, k) => el('td', {}, k === 1 ? el('code', { textContent: c }) : c))))),
    );
  const parts = [el('p', {}, el('strong', { textContent: show.name }), `: ${show.location}`)];
  if (show.settings?.length) {
    const noted = show.settings.some((s) => s.note);
    const head = noted ? ['Field', 'Value', 'Note'] : ['Field', 'Value'];
    parts.push(table(head, show.settings.map((s) => (noted ? [s.field, s.value, s.note ?? ''] : [s.field, s.value]))));
  }
  const facts = [];
  if (show.secret_env) facts.push(['Secret from the environment variable', show.secret_env]);
  if (show.issuer) facts.push(['Issuer', show.issuer]);
  if (show.openid_configuration) facts.push(['OpenID configuration', show.openid_configuration]);
  for (const r of show.redirect_uris ?? []) facts.push([`Redirect URI (${r.matching_mode})`, r.url]);
  if (facts.length) parts.push(el('ul', {}, ...facts.map(([k, v]) => el('li', {}, `${k}: `, el('code', { textContent: v })))));
  if (show.authentik_side?.length) {
    parts.push(el('h3', { textContent: 'In authentik' }), table(['Field', 'Value'], show.authentik_side.map((f) => [f.field, f.value])));
  }
  for (const snip of show.reverse_proxy ?? []) {
    parts.push(el('h3', { textContent: snip.server }), el('pre', { class: 'output', textContent: snip.snippet }));
  }
  if (show.outpost) parts.push(el('p', { class: 'note', textContent: show.outpost }));
  for (const n of notes ?? []) parts.push(el('p', { class: 'note', textContent: n }));
  if (show.guide) parts.push(el('p', { class: 'note', textContent: `After the guide: ${show.guide}` }));
  box.replaceChildren(...parts);
}

main();

// The live demo: the Östersund plan evaluated in the browser by attain's WebAssembly build.
// Every indicator value can be edited (the report is re-evaluated on change), and the rule of
// any indicator can be rewritten (the plan is rebuilt on every keystroke; an error is shown
// with its line next to the text). Static files only: plan-files.json holds the plan folder.
import init, { Plan, renderHtml } from './pkg/attain.mjs';

const $ = (id) => document.getElementById(id);
const el = {
  report: $('report'),
  css: $('report-css'),
  period: $('period'),
  edits: $('edits'),
  resetData: $('reset-data'),
  timing: $('timing'),
  ruleIndicator: $('rule-indicator'),
  ruleInfo: $('rule-info'),
  ruleText: $('rule-text'),
  ruleError: $('rule-error'),
  ruleStatus: $('rule-status'),
  resetRule: $('reset-rule'),
};

const state = {
  /** The plan folder as loaded, and as edited (rules forked per indicator). */
  originalFiles: null,
  files: null,
  plan: null,
  /** The plan's data with the person's edits applied (an attain Observations). */
  data: null,
  edits: new Map(),
  period: null,
  report: null,
  /** Indicator id → {path, dropParams}: its edited copy of the rule. */
  forked: new Map(),
};

/** The file the demo gives the edited rule of indicator `id`: a name of its own, never shown. */
function forkPath(id) {
  return `demo-rules/${id.replace(/[^A-Za-z0-9_-]/g, '_')}.rhai`;
}

/**
 * Where an error happened, for a person: `rules/x.rhai, rad 3, kolumn 5`. In the rule being
 * edited it is the indicator's rule at the editor's line (`Regeln för N00209, rad 2`), not the
 * file the demo keeps the copy in.
 */
function describeError(e) {
  if (!e || (e.name !== 'AttainError' && e.type === undefined)) return String(e?.message ?? e);
  const id = el.ruleIndicator.value;
  const file = e.file === forkPath(id) ? `Regeln för ${id}` : e.file;
  const where = [file, e.line != null ? `rad ${e.line}` : null, e.column != null ? `kolumn ${e.column}` : null, e.row != null ? `datarad ${e.row}` : null]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${e.message}` : e.message;
}

// ------------------------------------------------------------------ report

function evaluate() {
  const started = performance.now();
  state.report = state.plan.evaluate(state.data, { period: state.period });
  const ms = performance.now() - started;
  renderReport();
  el.timing.textContent = `utvärderad på ${ms.toFixed(1)} ms`;
  showRuleStatus();
}

function renderReport() {
  const report = state.report;
  const page = new DOMParser().parseFromString(renderHtml(report), 'text/html');
  if (!el.css.textContent) el.css.textContent = page.querySelector('style')?.textContent ?? '';
  document.title = page.title;
  el.report.replaceChildren(...page.body.childNodes);
  el.report.classList.remove('stale');
  const selected = el.ruleIndicator.value;
  for (const tr of el.report.querySelectorAll('tr.ind')) {
    const id = tr.dataset.id;
    const r = report.indicators.find((x) => x.id === id && x.gender === 'T');
    if (!r) continue;
    tr.classList.toggle('selected', id === selected);
    addValueEditor(tr, r);
  }
  const n = state.edits.size;
  el.edits.textContent = n ? `${n} ändrade värden` : '';
  el.resetData.hidden = n === 0;
}

/** Puts an input for the value in the row's value cell (the third). */
function addValueEditor(tr, r) {
  const cell = tr.cells[2];
  if (!cell) return;
  const period = r.period ?? state.report.period;
  const key = `${r.id}|${period}`;
  const input = document.createElement('input');
  input.type = 'number';
  input.step = 'any';
  input.className = 'value-edit';
  input.value = r.value ?? '';
  input.placeholder = '–';
  input.title = `${r.title}, ${period}${r.unit ? ` (${r.unit})` : ''}`;
  input.dataset.id = r.id;
  input.setAttribute('aria-label', `Värde för ${r.title}, ${period}`);
  input.classList.toggle('edited', state.edits.has(key));
  input.addEventListener('change', guarded(() => {
    const value = input.value.trim() === '' ? null : Number(input.value);
    if (value !== null && !Number.isFinite(value)) return;
    state.data.setValue(r.id, state.report.entity, period, 'T', value);
    state.edits.set(key, value);
    evaluate();
    // Keep the keyboard where it was: the report was rebuilt.
    el.report.querySelector(`input.value-edit[data-id="${CSS.escape(r.id)}"]`)?.focus();
  }));
  const unit = r.unit ? ` <small>${r.unit === '%' ? '%' : escapeHtml(r.unit)}</small>` : '';
  cell.replaceChildren(input);
  cell.insertAdjacentHTML('beforeend', `${unit}<br><small>${escapeHtml(period)}</small>`);
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

// ------------------------------------------------------------------ rule editor

function indicatorRule(id) {
  return state.plan.outline().indicators.find((i) => i.id === id)?.rule;
}

/** The text of an indicator's rule: its script in the plan, or the std rule's source. */
function ruleSource(id) {
  const rule = indicatorRule(id);
  if (rule?.endsWith('.rhai') && state.files[rule] !== undefined) return state.files[rule];
  return state.plan.explain(state.data, id, { period: state.period }).rule_source;
}

function fillIndicatorList() {
  const outline = state.plan.outline();
  el.ruleIndicator.replaceChildren(
    ...outline.indicators.map((i) => {
      const o = document.createElement('option');
      o.value = i.id;
      o.textContent = `${i.id} – ${i.title}`;
      return o;
    }),
  );
}

function selectIndicator(id) {
  el.ruleIndicator.value = id;
  el.ruleText.value = ruleSource(id);
  el.ruleText.classList.remove('invalid');
  el.ruleError.hidden = true;
  el.resetRule.disabled = !state.forked.has(id);
  for (const tr of el.report.querySelectorAll('tr.ind')) tr.classList.toggle('selected', tr.dataset.id === id);
  showRuleStatus();
}

function showRuleStatus() {
  const id = el.ruleIndicator.value;
  const rule = indicatorRule(id) ?? '';
  const users = state.plan.outline().indicators.filter((i) => i.rule === rule).length;
  const fork = state.forked.get(id);
  el.ruleInfo.textContent = fork
    ? `Egen regel för ${id} (${rule}).${fork.dropParams ? ' Den läser inte planens params för nyckeltalet, så de är borttagna.' : ''}`
    : `Regel: ${rule}${users > 1 ? ` (används av ${users} nyckeltal; en ändring här gäller bara ${id})` : ''}.`;
  const r = state.report?.indicators.find((x) => x.id === id && x.gender === 'T');
  el.ruleStatus.textContent = r ? `Bedömning: ${r.label} – ${r.reason}` : '';
  // A rule that compiles but fails when it runs (an endless loop, a wrong type) shows here too.
  if (r?.status === 'error' && r.error && el.ruleError.hidden) {
    showRuleError(r.error);
  }
}

function showRuleError(e) {
  el.ruleError.textContent = describeError(e);
  el.ruleError.hidden = false;
  el.ruleText.classList.add('invalid');
}

/** The lines of indicator `id`'s `[[indicator]]` table in plan.toml: [first, end). */
function indicatorBlock(lines, id) {
  const quoted = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const idPattern = new RegExp(`^\\s*id\\s*=\\s*["']${quoted}["']`);
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\[\[indicator\]\]\s*(#.*)?$/.test(lines[i])) continue;
    let end = i + 1;
    while (end < lines.length && !/^\s*\[/.test(lines[end])) end++;
    if (lines.slice(i + 1, end).some((l) => idPattern.test(l))) return [i + 1, end];
  }
  throw new Error(`indicator \`${id}\` not found in plan.toml`);
}

/** `plan.toml` with indicator `id`'s rule pointed at `path` (its `rule =` line replaced or added). */
function pointRule(planToml, id, path) {
  const lines = planToml.split('\n');
  const [first, end] = indicatorBlock(lines, id);
  const line = `rule = "${path}"`;
  const at = lines.slice(first, end).findIndex((l) => /^\s*rule\s*=/.test(l));
  if (at >= 0) lines[first + at] = line;
  else lines.splice(first, 0, line);
  return lines.join('\n');
}

/** `plan.toml` without indicator `id`'s `params = {…}` line. */
function dropParams(planToml, id) {
  const lines = planToml.split('\n');
  const [first, end] = indicatorBlock(lines, id);
  const at = lines.slice(first, end).findIndex((l) => /^\s*params\s*=/.test(l));
  if (at >= 0) lines.splice(first + at, 1);
  return lines.join('\n');
}

/** The original plan.toml with every forked rule pointed at its copy (and params dropped). */
function planToml(forks) {
  let text = state.originalFiles['plan.toml'];
  for (const [id, fork] of forks) {
    text = pointRule(text, id, fork.path);
    if (fork.dropParams) text = dropParams(text, id);
  }
  return text;
}

function onRuleInput() {
  const id = el.ruleIndicator.value;
  const path = forkPath(id);
  const forks = new Map(state.forked);
  forks.set(id, { path, dropParams: false });
  const files = { ...state.files, [path]: el.ruleText.value };
  files['plan.toml'] = planToml(forks);
  let plan;
  try {
    try {
      plan = Plan.fromFiles(files);
    } catch (e) {
      // A new rule need not read the params the plan gives the old one: leave them out.
      if (!(e.file === 'plan.toml' && e.message.includes(`\`${path}\` takes no param`))) throw e;
      forks.set(id, { path, dropParams: true });
      files['plan.toml'] = planToml(forks);
      plan = Plan.fromFiles(files);
    }
  } catch (e) {
    if (recover(e)) return;
    showRuleError(e);
    el.report.classList.add('stale');
    el.ruleStatus.textContent = 'Rapporten visar den senaste regeln som fungerade.';
    return;
  }
  el.ruleError.hidden = true;
  el.ruleText.classList.remove('invalid');
  state.files = files;
  state.forked = forks;
  state.plan?.free();
  state.plan = plan;
  el.resetRule.disabled = false;
  evaluate();
}

function resetRule() {
  const id = el.ruleIndicator.value;
  const fork = state.forked.get(id);
  if (!fork) return;
  const forks = new Map(state.forked);
  forks.delete(id);
  const files = { ...state.files };
  delete files[fork.path];
  files['plan.toml'] = planToml(forks);
  const plan = Plan.fromFiles(files);
  state.forked = forks;
  state.files = files;
  state.plan.free();
  state.plan = plan;
  selectIndicator(id);
  evaluate();
}

// ------------------------------------------------------------------ recovery

/**
 * After an internal error attain restarted its module (js/wrap.mjs), and the plan and data made
 * before are gone: make them again from the last plan that loaded and the edits, and say so.
 */
function recover(e) {
  if (e?.name !== 'AttainError' || e.type !== 'internal') return false;
  state.plan = Plan.fromFiles(state.files);
  state.data = state.plan.data();
  const entity = state.plan.outline().entity;
  for (const [key, value] of state.edits) {
    const cut = key.lastIndexOf('|');
    state.data.setValue(key.slice(0, cut), entity, key.slice(cut + 1), 'T', value);
  }
  evaluate();
  el.ruleStatus.textContent = 'attain startades om efter ett internt fel; planen och dina ändringar är inlästa igen.';
  return true;
}

/** An event handler that recovers from an internal error instead of leaving the page dead. */
function guarded(handler) {
  return (...args) => {
    try {
      handler(...args);
    } catch (e) {
      if (!recover(e)) throw e;
    }
  };
}

// ------------------------------------------------------------------ start

function fillPeriods() {
  const outline = state.plan.outline();
  const entity = outline.entity;
  const years = new Set(state.data.rows().filter((r) => r.entity === entity).map((r) => r.period));
  if (outline.period) years.add(outline.period);
  const periods = [...years].sort().reverse();
  el.period.replaceChildren(
    ...periods.map((p) => {
      const o = document.createElement('option');
      o.value = o.textContent = p;
      return o;
    }),
  );
  state.period = outline.period ?? periods[0] ?? null;
  el.period.value = state.period;
}

async function start() {
  await init();
  const response = await fetch('./plan-files.json');
  if (!response.ok) throw new Error(`plan-files.json: HTTP ${response.status} (run bindings-wasm/build.sh)`);
  state.originalFiles = await response.json();
  state.files = { ...state.originalFiles };
  state.plan = Plan.fromFiles(state.files);
  state.data = state.plan.data();
  fillPeriods();
  fillIndicatorList();
  evaluate();
  selectIndicator(state.plan.outline().indicators[0]?.id);

  el.period.addEventListener(
    'change',
    guarded(() => {
      state.period = el.period.value;
      evaluate();
    }),
  );
  el.resetData.addEventListener(
    'click',
    guarded(() => {
      state.data.free();
      state.data = state.plan.data();
      state.edits.clear();
      evaluate();
    }),
  );
  el.ruleIndicator.addEventListener('change', guarded(() => selectIndicator(el.ruleIndicator.value)));
  el.ruleText.addEventListener('input', guarded(onRuleInput));
  el.resetRule.addEventListener('click', guarded(resetRule));
  // Clicking an indicator's name opens its rule.
  el.report.addEventListener(
    'click',
    guarded((ev) => {
      const tr = ev.target.closest('tr.ind');
      if (tr && !ev.target.closest('input')) selectIndicator(tr.dataset.id);
    }),
  );
  document.body.dataset.ready = 'true';
}

start().catch((e) => {
  el.report.innerHTML = '';
  const p = document.createElement('p');
  p.className = 'loading';
  p.textContent = `Kunde inte starta: ${describeError(e)}`;
  el.report.append(p);
  document.body.dataset.ready = 'error';
  console.error(e);
});

/// <reference lib="dom" />
/**
 * Browser entry of the explorer (bundled by scripts/bundle-explorer.mjs into one script). On a page
 * it mounts the controls on every `.zx-root` element that carries embedded tables; inside a Web
 * Worker (created from this same script's text, so it also works from file://) it answers compute
 * requests with the library's own functions (compute.ts). No math lives here: only DOM, SVG and
 * messages.
 */
import { computeFusionHalf, computeRule, mergeFusionHalves, ruleColumns, type FusionBestHalf, type FusionFiHalf, type FusionFigures, type Outcome, type RuleFigures } from './compute';
import { fusionFigureTexts, ruleFigureTexts, undefinedFigures, METRICS } from './figures';
import { A_RANGE, EXPLORE_FITS, EXPLORE_PROTOCOL, EXPLORE_TRANSFORMS, defaultSelection, libraryCall, selectionFromFragment, selectionToFragment, type Selection } from './selection';
import { decodeTables, type ExploreTable } from './table';

/** A computation: the rule panel, or one half of the fusion panel (FI / best single indicator). */
type Task = 'fusion-fi' | 'fusion-best' | 'rule';
type Ask = { readonly kind: Task; readonly seq: number; readonly selection: Selection };
type Request = { readonly kind: 'tables'; readonly json: string } | Ask;
/** A panel's request, as the controls make it. */
type PanelRequest = { readonly kind: 'fusion' | 'rule'; readonly seq: number; readonly selection: Selection };
type Answer =
  | { readonly kind: 'fusion-fi'; readonly seq: number; readonly outcome: Outcome<FusionFiHalf>; readonly ms: number }
  | { readonly kind: 'fusion-best'; readonly seq: number; readonly outcome: Outcome<FusionBestHalf>; readonly ms: number }
  | { readonly kind: 'rule'; readonly seq: number; readonly outcome: Outcome<RuleFigures>; readonly ms: number };
/** What a panel shows: the rule answer, or the two fusion halves merged. */
type Reply =
  | { readonly kind: 'fusion'; readonly seq: number; readonly outcome: Outcome<FusionFigures>; readonly ms: number }
  | Extract<Answer, { kind: 'rule' }>;

/** Fragment prefix, so the explorer's permalink does not clash with a write-up's heading anchors. */
const HASH = '#explore?';

// ------------------------------------------------------------------------------ compute side
function makeComputer(tables: readonly ExploreTable[]): (r: Ask) => Answer {
  const byId = new Map(tables.map((t) => [t.id, t]));
  const columns = new Map<string, Record<string, Float64Array>>();
  return (r) => {
    const t = byId.get(r.selection.table);
    const t0 = performance.now();
    if (!t) {
      const outcome = { ok: false as const, message: `no table '${r.selection.table}' on this page` };
      return { kind: r.kind, seq: r.seq, outcome, ms: 0 } as Answer;
    }
    if (r.kind === 'fusion-fi') return { kind: r.kind, seq: r.seq, outcome: computeFusionHalf(t, r.selection, 'fi'), ms: performance.now() - t0 };
    if (r.kind === 'fusion-best') return { kind: r.kind, seq: r.seq, outcome: computeFusionHalf(t, r.selection, 'best'), ms: performance.now() - t0 };
    if (!columns.has(t.id)) columns.set(t.id, ruleColumns(t));
    const outcome = computeRule(t, r.selection, columns.get(t.id));
    return { kind: 'rule', seq: r.seq, outcome, ms: performance.now() - t0 };
  };
}

function runWorker(): void {
  let compute: ReturnType<typeof makeComputer> | undefined;
  const scope = self as unknown as { onmessage: (e: MessageEvent<Request>) => void; postMessage: (m: Answer) => void };
  scope.onmessage = (e) => {
    const r = e.data;
    if (r.kind === 'tables') compute = makeComputer(decodeTables(r.json));
    else if (compute) scope.postMessage(compute(r));
  };
}

// ------------------------------------------------------------------------------ page side
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

const SVGNS = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children) e.append(c);
  return e;
}

function fig(id: string, text = ''): HTMLElement {
  return el('span', { 'data-fig': id }, text);
}

/** Horizontal bar chart of the FI weights (per σ of each transformed indicator). */
function weightChart(f: FusionFigures, texts: Record<string, string>): SVGElement {
  const rowH = 22;
  const w = 460;
  const labelW = 130;
  const h = f.weights.length * rowH + 10;
  const max = Math.max(1e-12, ...f.weights.map((x) => Math.abs(x.weight)));
  const mid = labelW + (w - labelW - 60) / 2;
  const half = (w - labelW - 60) / 2;
  const s = svg('svg', { width: w, height: h, role: 'img', 'aria-label': 'FI weight per standard deviation of each indicator', class: 'zx-bars' });
  s.append(svg('line', { x1: mid, x2: mid, y1: 0, y2: h, stroke: '#888' }));
  f.weights.forEach((x, i) => {
    const y = 5 + i * rowH;
    const len = (Math.abs(x.weight) / max) * half;
    s.append(svg('text', { x: labelW - 6, y: y + 14, 'text-anchor': 'end', 'font-size': 12 }, x.name));
    s.append(svg('rect', { x: x.weight >= 0 ? mid : mid - len, y: y + 3, width: Math.max(len, 0.5), height: rowH - 8, fill: x.weight >= 0 ? '#3b6fb6' : '#c0504d' }, svg('title', {}, `${x.name}: ${texts[`weight-${x.name}`]}`)));
    s.append(svg('text', { x: w - 4, y: y + 14, 'text-anchor': 'end', 'font-size': 12 }, svg('tspan', { 'data-fig': `weight-${x.name}` }, texts[`weight-${x.name}`]), x.clipped ? ' (NNLS bound)' : ''));
  });
  return s;
}

/**
 * Held-out prediction vs accuracy: axes in SVG, the points drawn on a canvas above them (one
 * element instead of one per architecture, so a refit's figures appear sooner); hovering a point
 * shows its architecture string, prediction and accuracy.
 */
function scatterChart(f: FusionFigures, accuracyLabel: string): HTMLElement {
  const w = 460;
  const h = 340;
  const m = { l: 50, r: 24, t: 10, b: 40 };
  const xs = f.scatter.predicted;
  const ys = f.scatter.actual;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...xs, ...ys]) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || 1;
  const sx = (v: number): number => m.l + ((v - lo) / span) * (w - m.l - m.r);
  const sy = (v: number): number => h - m.b - ((v - lo) / span) * (h - m.t - m.b);
  const axes = svg('svg', { width: w, height: h, 'aria-hidden': 'true' });
  axes.append(svg('line', { x1: sx(lo), y1: sy(lo), x2: sx(hi), y2: sy(hi), stroke: '#bbb', 'stroke-dasharray': '4 3' }));
  axes.append(svg('line', { x1: m.l, y1: h - m.b, x2: w - m.r, y2: h - m.b, stroke: '#444' }));
  axes.append(svg('line', { x1: m.l, y1: m.t, x2: m.l, y2: h - m.b, stroke: '#444' }));
  for (const v of [lo, lo + span / 2, hi]) {
    axes.append(svg('text', { x: sx(v), y: h - m.b + 14, 'text-anchor': 'middle', 'font-size': 11 }, v.toFixed(1)));
    axes.append(svg('text', { x: m.l - 4, y: sy(v) + 4, 'text-anchor': 'end', 'font-size': 11 }, v.toFixed(1)));
  }
  axes.append(svg('text', { x: (m.l + w - m.r) / 2, y: h - 6, 'text-anchor': 'middle', 'font-size': 12 }, 'held-out FI prediction'));
  axes.append(svg('text', { x: 12, y: (m.t + h - m.b) / 2, 'text-anchor': 'middle', 'font-size': 12, transform: `rotate(-90 12 ${(m.t + h - m.b) / 2})` }, 'accuracy'));
  const px = Float64Array.from(xs, sx);
  const py = Float64Array.from(ys, sy);
  const canvas = el('canvas', { width: String(w), height: String(h) });
  const dpr = Math.max(1, Math.round(globalThis.devicePixelRatio || 1));
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.scale(dpr, dpr);
    ctx.fillStyle = 'rgba(59, 111, 182, 0.45)';
    for (let i = 0; i < px.length; i++) {
      ctx.beginPath();
      ctx.arc(px[i], py[i], 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  const tip = el('div', { class: 'zx-tip', role: 'tooltip' });
  tip.hidden = true;
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const x = ((e.clientX - r.left) * w) / r.width;
    const y = ((e.clientY - r.top) * h) / r.height;
    let best = -1;
    let bestD = 36; // within 6 px
    for (let i = 0; i < px.length; i++) {
      const d = (px[i] - x) ** 2 + (py[i] - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    tip.hidden = best < 0;
    if (best < 0) return;
    tip.textContent = `${f.scatter.archs[best]}\npredicted ${xs[best].toFixed(2)}, actual ${ys[best].toFixed(2)}`;
    tip.style.left = `${Math.min(px[best] + 8, w - 10)}px`;
    tip.style.top = `${py[best] + 8}px`;
  });
  canvas.addEventListener('mouseleave', () => (tip.hidden = true));
  return el('div', { class: 'zx-scatter', role: 'img', 'aria-label': `held-out FI prediction against ${accuracyLabel}, ${xs.length} architectures` }, axes, canvas, tip);
}

interface Ui {
  readonly root: HTMLElement;
  readonly tables: readonly ExploreTable[];
  sel: Selection;
  fusionSeq: number;
  ruleSeq: number;
  send: (r: PanelRequest) => void;
}

/** Ids unique across several explorers (and bundle copies) on one page. */
const uidPrefix = `zx${Math.random().toString(36).slice(2, 7)}`;
let uid = 0;

function mount(root: HTMLElement, tables: readonly ExploreTable[], scriptText: string | undefined): void {
  const id = `${uidPrefix}-${++uid}`;
  const fromHash = location.hash.startsWith(HASH) ? selectionFromFragment(location.hash.slice(HASH.length), tables) : undefined;
  const ui: Ui = { root, tables, sel: fromHash?.selection ?? defaultSelection(tables[0]), fusionSeq: 0, ruleSeq: 0, send: () => undefined };

  // compute: two Web Workers built from this script's own text (the rule panel and the FI half of
  // the fusion panel in one, the single-indicator half in the other, so a refit runs its halves at
  // once), else one worker for everything, else the page thread
  const workers: Worker[] = [];
  if (scriptText !== undefined && typeof Worker !== 'undefined' && root.dataset.worker !== 'off') {
    const url = URL.createObjectURL(new Blob([scriptText], { type: 'text/javascript' }));
    for (let i = 0; i < 2; i++) {
      try {
        workers.push(new Worker(url));
      } catch {
        break;
      }
    }
  }
  // one computation per panel in flight; while it runs only the newest request waits (no backlog)
  const inflight = { fusion: false, rule: false };
  type Panel = keyof typeof inflight;
  const pending: Partial<Record<Panel, PanelRequest>> = {};
  const sent: Partial<Record<Panel, PanelRequest>> = {};
  let post: (r: PanelRequest) => void;
  const handle = (r: Reply): void => {
    inflight[r.kind] = false;
    const next = pending[r.kind];
    if (next) {
      pending[r.kind] = undefined;
      inflight[r.kind] = true;
      post(next);
    }
    if (r.kind === 'fusion') showFusion(r);
    else showRule(r);
  };
  // the fusion halves of the request in flight, merged once both are in
  let halves: { fi?: Extract<Answer, { kind: 'fusion-fi' }>; best?: Extract<Answer, { kind: 'fusion-best' }> } = {};
  const answer = (a: Answer, parallel: boolean): void => {
    if (a.kind === 'rule') return handle(a);
    if (a.kind === 'fusion-fi') halves.fi = a;
    else halves.best = a;
    const { fi, best } = halves;
    if (!fi || !best || fi.seq !== best.seq) return;
    halves = {};
    const t = tables.find((x) => x.id === sent.fusion?.selection.table) ?? tableOf();
    handle({ kind: 'fusion', seq: fi.seq, outcome: mergeFusionHalves(t, fi.outcome, best.outcome), ms: parallel ? Math.max(fi.ms, best.ms) : fi.ms + best.ms });
  };
  /** The tasks of a panel's request. */
  const tasks = (r: PanelRequest): Ask[] => (r.kind === 'rule' ? [{ ...r, kind: 'rule' }] : [{ ...r, kind: 'fusion-fi' }, { ...r, kind: 'fusion-best' }]);
  const onPage = (): ((r: PanelRequest) => void) => {
    const compute = makeComputer(tables);
    halves = {};
    return (r) => {
      sent[r.kind] = r;
      setTimeout(() => tasks(r).forEach((x) => answer(compute(x), false)), 0);
    };
  };
  if (workers.length > 0) {
    const json = root.querySelector('script.zx-data')!.textContent!;
    const parallel = workers.length > 1;
    for (const w of workers) {
      w.postMessage({ kind: 'tables', json } satisfies Request);
      w.onmessage = (e: MessageEvent<Answer>) => answer(e.data, parallel);
    }
    post = (r) => {
      sent[r.kind] = r;
      for (const x of tasks(r)) workers[x.kind === 'fusion-best' ? workers.length - 1 : 0].postMessage(x);
    };
    // a page policy may refuse blob workers only when they start: compute on the page instead
    const fallBack = (): void => {
      if (root.dataset.compute === 'page') return;
      for (const w of workers) w.terminate();
      root.dataset.compute = 'page';
      post = onPage();
      for (const k of ['fusion', 'rule'] as const) if (inflight[k] && sent[k]) post(sent[k]!);
    };
    for (const w of workers) w.onerror = fallBack;
  } else {
    post = onPage();
  }
  ui.send = (r) => {
    if (inflight[r.kind]) pending[r.kind] = r;
    else {
      inflight[r.kind] = true;
      post(r);
    }
  };
  root.dataset.compute = workers.length > 1 ? 'workers' : workers.length === 1 ? 'worker' : 'page';

  const q = <T extends Element>(sel: string): T => root.querySelector<T>(sel)!;
  const tableOf = (): ExploreTable => tables.find((t) => t.id === ui.sel.table)!;

  root.classList.add('zx');
  root.append(
    el('style', {}, STYLE),
    el('h2', {}, 'Indicator explorer'),
    el('p', { class: 'zx-intro' }, 'Tick indicators, choose transforms and the fit: every figure is recomputed with the library’s own code on the embedded score table (5-fold CV by default, 95 % bootstrap CIs with ', String(EXPLORE_PROTOCOL.bootstrap), ' resamples).'),
    el('p', { class: 'zx-ignored', role: 'status' }, fromHash && fromHash.ignored.length ? `Permalink parts ignored: ${fromHash.ignored.join('; ')}.` : ''),
    el('div', { class: 'zx-row' }, el('label', { for: `${id}-table` }, 'Score table '), el('select', { id: `${id}-table`, class: 'zx-table' }, ...tables.map((t) => el('option', { value: t.id }, t.title)))),
    el('fieldset', { class: 'zx-indicators' }, el('legend', {}, 'Indicators and transforms')),
    el(
      'fieldset',
      { class: 'zx-fit' },
      el('legend', {}, 'Fit'),
      ...EXPLORE_FITS.map((f) =>
        el('label', { class: 'zx-inline' }, el('input', { type: 'radio', name: `${id}-fit`, value: f, class: `zx-fit-${f}` }), { ols: ' least squares', ridge: ' ridge', nnls: ' NNLS (sign-constrained)' }[f]),
      ),
      el('label', { class: 'zx-inline', for: `${id}-lambda` }, ' λ '),
      el('input', { id: `${id}-lambda`, class: 'zx-lambda', type: 'number', min: '0', step: 'any', size: '6' }),
      el('label', { class: 'zx-inline', for: `${id}-folds` }, ' folds '),
      el('input', { id: `${id}-folds`, class: 'zx-folds', type: 'number', min: '2', max: '20', step: '1', size: '3' }),
    ),
    el('div', { class: 'zx-message zx-fusion-message', role: 'alert' }),
    el('section', { class: 'zx-fusion', 'aria-live': 'polite' }),
    el('h3', {}, 'A rule in the rule language'),
    el(
      'div',
      { class: 'zx-row' },
      el('label', { for: `${id}-rule` }, 'Rule '),
      el('input', { id: `${id}-rule`, class: 'zx-rule', type: 'text', size: '48', spellcheck: 'false', 'aria-describedby': `${id}-rule-error ${id}-rule-names` }),
      el('label', { for: `${id}-a` }, ' a = '),
      el('input', { id: `${id}-a`, class: 'zx-a', type: 'range', min: String(A_RANGE.min), max: String(A_RANGE.max), step: String(A_RANGE.step) }),
      el('output', { class: 'zx-a-value', for: `${id}-a` }),
    ),
    el('pre', { id: `${id}-rule-error`, class: 'zx-rule-error', role: 'alert' }),
    el('p', { id: `${id}-rule-names`, class: 'zx-names' }),
    el('section', { class: 'zx-rule-figures', 'aria-live': 'polite' }),
    el('h3', {}, 'Share'),
    el('div', { class: 'zx-row' }, el('button', { type: 'button', class: 'zx-copy-link' }, 'Copy permalink'), ' ', el('button', { type: 'button', class: 'zx-copy-call' }, 'Copy library call'), ' ', el('span', { class: 'zx-copied', role: 'status' })),
    el('pre', { class: 'zx-call', 'aria-label': 'equivalent library call' }),
    el('p', { class: 'zx-timing' }),
  );

  const buildIndicators = (): void => {
    const t = tableOf();
    const fs = q<HTMLFieldSetElement>('.zx-indicators');
    fs.replaceChildren(el('legend', {}, 'Indicators and transforms'));
    t.indicators.forEach((k, j) => {
      const cb = el('input', { type: 'checkbox', id: `${id}-ind-${j}`, class: 'zx-ind', 'data-indicator': k });
      cb.checked = ui.sel.indicators.includes(k);
      const tr = el('select', { class: 'zx-transform', 'data-indicator': k, 'aria-label': `transform of ${k}` }, ...EXPLORE_TRANSFORMS.map((n) => el('option', { value: n }, n === 'identity' ? 'standardise' : `${n} + standardise`)));
      tr.value = ui.sel.transforms[k] ?? 'identity';
      fs.append(el('span', { class: 'zx-ind-item' }, cb, el('label', { for: cb.id }, ` ${k} `), tr));
    });
  };

  const syncControls = (): void => {
    q<HTMLSelectElement>('.zx-table').value = ui.sel.table;
    buildIndicators();
    for (const f of EXPLORE_FITS) q<HTMLInputElement>(`.zx-fit-${f}`).checked = ui.sel.fit === f;
    q<HTMLInputElement>('.zx-lambda').value = String(ui.sel.lambda);
    q<HTMLInputElement>('.zx-lambda').disabled = ui.sel.fit !== 'ridge';
    q<HTMLInputElement>('.zx-folds').value = String(ui.sel.folds);
    q<HTMLInputElement>('.zx-rule').value = ui.sel.rule;
    q<HTMLInputElement>('.zx-a').value = String(ui.sel.a);
    q<HTMLOutputElement>('.zx-a-value').textContent = String(ui.sel.a);
  };

  const share = (): void => {
    const t = tableOf();
    q('.zx-call').textContent = libraryCall(ui.sel, t);
    if (history.replaceState) history.replaceState(null, '', HASH + selectionToFragment(ui.sel));
  };

  const requestFusion = (): void => {
    root.dataset.fusionState = 'busy';
    root.dataset.fusionAsked = String(++ui.fusionSeq);
    ui.send({ kind: 'fusion', seq: ui.fusionSeq, selection: ui.sel });
    share();
  };
  const requestRule = (): void => {
    root.dataset.ruleState = 'busy';
    root.dataset.ruleAsked = String(++ui.ruleSeq);
    ui.send({ kind: 'rule', seq: ui.ruleSeq, selection: ui.sel });
    share();
  };

  function showFusion(r: Extract<Reply, { kind: 'fusion' }>): void {
    if (r.seq !== ui.fusionSeq) return;
    root.dataset.fusionShown = String(r.seq);
    const msg = q<HTMLElement>('.zx-fusion-message');
    const sec = q<HTMLElement>('.zx-fusion');
    root.dataset.fusionMs = r.ms.toFixed(1);
    const where = { workers: 'two Web Workers', worker: 'Web Worker', page: 'page thread' }[root.dataset.compute ?? 'page'];
    q('.zx-timing').textContent = `last refit ${r.ms.toFixed(0)} ms (${where})`;
    if (!r.outcome.ok) {
      // a refusal is an error (red, announced); the notes of a fit below are ordinary text
      msg.classList.remove('zx-note');
      msg.setAttribute('role', 'alert');
      msg.textContent = r.outcome.message;
      sec.replaceChildren();
      root.dataset.fusionState = 'message';
      return;
    }
    const f = r.outcome.value;
    const texts = fusionFigureTexts(f);
    const t = tableOf();
    const notes = [...f.notes];
    const dropped = Object.entries(f.droppedBy).filter(([, c]) => c > 0);
    if (dropped.length) notes.push(`Architectures with NaN/±∞ in a ticked column are left out: ${dropped.map(([k, c]) => `${k} ${c}`).join(', ')}.`);
    const undef = undefinedFigures(texts);
    if (undef.length) notes.push(`Undefined on this selection (constant predictions or too few rows), shown as n/a: ${undef.join(', ')}.`);
    msg.classList.add('zx-note');
    msg.setAttribute('role', 'status');
    msg.textContent = notes.join(' ');
    const row = (name: string, who: 'fi' | 'best'): HTMLTableRowElement => el('tr', {}, el('th', { scope: 'row' }, name), ...METRICS.map((m) => el('td', {}, fig(`${who}-${m}`, texts[`${who}-${m}`]))));
    const search = el(
      'table',
      { class: 'zx-search' },
      el('caption', {}, `Search with the held-out ranking: random-N (${EXPLORE_PROTOCOL.randomNRuns} runs, accuracy of the pick, mean ± sd) and top-k precision; best accuracy among these architectures `, fig('optimum', texts.optimum)),
      el('tr', {}, el('th', { scope: 'col' }, 'search'), el('th', { scope: 'col' }, 'FI'), el('th', { scope: 'col' }, `best single (${f.best.name})`)),
      ...f.search.randomN.map((x) => el('tr', {}, el('th', { scope: 'row' }, `random-N, N = ${x.n}`), el('td', {}, fig(`rn-${x.n}`, texts[`rn-${x.n}`])), el('td', {}, fig(`rn-${x.n}-best`, texts[`rn-${x.n}-best`])))),
      ...f.search.topK.map((x) => el('tr', {}, el('th', { scope: 'row' }, `top-${x.k} precision`), el('td', {}, fig(`topk-${x.k}`, texts[`topk-${x.k}`])), el('td', {}, fig(`topk-${x.k}-best`, texts[`topk-${x.k}-best`])))),
    );
    sec.replaceChildren(
      el('p', {}, fig('fusion-rows', texts['fusion-rows']), ` · ${t.accuracyLabel}`),
      el(
        'table',
        { class: 'zx-metrics' },
        el('caption', {}, `Held-out (${ui.sel.folds}-fold) metrics, 95 % bootstrap CI`),
        el('tr', {}, el('th', { scope: 'col' }, 'predictor'), ...METRICS.map((m) => el('th', { scope: 'col' }, m.toUpperCase()))),
        row('FI', 'fi'),
        el('tr', {}, el('th', { scope: 'row' }, 'best single: ', fig('best-name', f.best.name)), ...METRICS.map((m) => el('td', {}, fig(`best-${m}`, texts[`best-${m}`])))),
      ),
      el('div', { class: 'zx-charts' }, el('figure', {}, weightChart(f, texts), el('figcaption', {}, 'FI weight per σ (intercept ', fig('intercept', texts.intercept), ')')), el('figure', {}, scatterChart(f, t.accuracyLabel), el('figcaption', {}, 'held-out prediction vs accuracy (hover: architecture)'))),
      search,
    );
    root.dataset.fusionState = 'done';
  }

  function showRule(r: Extract<Reply, { kind: 'rule' }>): void {
    if (r.seq !== ui.ruleSeq) return;
    root.dataset.ruleShown = String(r.seq);
    const err = q<HTMLElement>('.zx-rule-error');
    const sec = q<HTMLElement>('.zx-rule-figures');
    if (!r.outcome.ok) {
      err.textContent = r.outcome.message;
      q<HTMLInputElement>('.zx-rule').setAttribute('aria-invalid', 'true');
      sec.replaceChildren();
      root.dataset.ruleState = 'message';
      return;
    }
    const v = r.outcome.value;
    const texts = ruleFigureTexts(v);
    err.textContent = '';
    q<HTMLInputElement>('.zx-rule').removeAttribute('aria-invalid');
    q('.zx-names').textContent = `Names: ${v.names.join(', ')}; functions log, exp, sqrt, abs, rank, z; a is the slider.`;
    sec.replaceChildren(
      el(
        'table',
        { class: 'zx-rule-table' },
        el('caption', {}, 'Kendall τ-b with accuracy, 95 % bootstrap CI (paired for the ratio); ', fig('rule-rows', texts['rule-rows'])),
        el('tr', {}, el('th', { scope: 'row' }, 'rule τ'), el('td', {}, fig('rule-tau', texts['rule-tau']))),
        ...(v.baseline
          ? [
              el('tr', {}, el('th', { scope: 'row' }, `WOT (${tableOf().baseline}) τ`), el('td', {}, fig('wot-tau', texts['wot-tau']))),
              el('tr', {}, el('th', { scope: 'row' }, 'τ_rule / τ_WOT'), el('td', {}, fig('rule-ratio', texts['rule-ratio']))),
            ]
          : [el('tr', {}, el('td', { colspan: '2' }, 'This table has no WOT column (naswot or nwot), so no ratio.'))]),
      ),
    );
    root.dataset.ruleState = 'done';
  }

  // events
  const update = (patch: Partial<Selection>, what: 'fusion' | 'rule' | 'both'): void => {
    ui.sel = { ...ui.sel, ...patch };
    if (what !== 'rule') requestFusion();
    if (what !== 'fusion') requestRule();
  };
  root.addEventListener('change', (e) => {
    const target = e.target as HTMLElement;
    if (target.matches('.zx-table')) {
      ui.sel = defaultSelection(tables.find((t) => t.id === (target as HTMLSelectElement).value)!);
      syncControls();
      update({}, 'both');
    } else if (target.matches('.zx-ind')) {
      const k = target.dataset.indicator!;
      const on = (target as HTMLInputElement).checked;
      update({ indicators: tableOf().indicators.filter((x) => (x === k ? on : ui.sel.indicators.includes(x))) }, 'fusion');
    } else if (target.matches('.zx-transform')) {
      const k = target.dataset.indicator!;
      const v = (target as HTMLSelectElement).value as Selection['transforms'][string];
      const transforms = { ...ui.sel.transforms };
      if (v === 'identity') delete transforms[k];
      else transforms[k] = v;
      update({ transforms }, 'fusion');
    } else if (target.matches('[name$="-fit"]')) {
      q<HTMLInputElement>('.zx-lambda').disabled = (target as HTMLInputElement).value !== 'ridge';
      update({ fit: (target as HTMLInputElement).value as Selection['fit'] }, 'fusion');
    } else if (target.matches('.zx-lambda')) {
      update({ lambda: Number((target as HTMLInputElement).value) }, 'fusion');
    } else if (target.matches('.zx-folds')) {
      update({ folds: Number((target as HTMLInputElement).value) }, 'fusion');
    } else if (target.matches('.zx-a')) {
      update({ a: Number((target as HTMLInputElement).value) }, 'rule');
    }
  });
  root.addEventListener('input', (e) => {
    const target = e.target as HTMLElement;
    if (target.matches('.zx-rule')) update({ rule: (target as HTMLInputElement).value }, 'rule');
    else if (target.matches('.zx-a')) q<HTMLOutputElement>('.zx-a-value').textContent = (target as HTMLInputElement).value;
  });
  const copy = (text: string, what: string): void => {
    const done = (ok: boolean): void =>
      void (q('.zx-copied').textContent = ok ? `${what} copied` : `${what}: the browser refused the clipboard; copy it from ${what === 'permalink' ? 'the address bar' : 'the text below'}`);
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(() => done(true), () => done(false));
    else done(false);
  };
  q('.zx-copy-link').addEventListener('click', () => copy(location.href.split('#')[0] + HASH + selectionToFragment(ui.sel), 'permalink'));
  q('.zx-copy-call').addEventListener('click', () => copy(libraryCall(ui.sel, tableOf()), 'library call'));

  syncControls();
  update({}, 'both');
}

const STYLE = `
.zx { font-family: system-ui, sans-serif; font-size: 14px; border: 1px solid #ccc; border-radius: 6px; padding: 8px 14px; max-width: 980px; }
.zx fieldset { border: 1px solid #ddd; margin: 6px 0; }
.zx .zx-ind-item { display: inline-block; margin: 2px 12px 2px 0; white-space: nowrap; }
.zx .zx-inline { margin-right: 8px; }
.zx table { border-collapse: collapse; margin: 6px 0; }
.zx th, .zx td { border: 1px solid #ddd; padding: 2px 8px; text-align: left; font-variant-numeric: tabular-nums; }
.zx caption { text-align: left; font-size: 12px; color: #444; }
.zx .zx-message, .zx .zx-rule-error { color: #8a1f11; white-space: pre-wrap; font-family: inherit; margin: 4px 0; }
.zx .zx-message.zx-note { color: #444; }
.zx .zx-charts { display: flex; flex-wrap: wrap; gap: 8px; }
.zx figure { margin: 0; }
.zx .zx-scatter { position: relative; width: 460px; height: 340px; }
.zx .zx-scatter svg, .zx .zx-scatter canvas { position: absolute; left: 0; top: 0; width: 460px; height: 340px; }
.zx .zx-tip { position: absolute; z-index: 1; max-width: 400px; background: #fff; border: 1px solid #999; padding: 2px 6px; font-size: 11px; white-space: pre-wrap; word-break: break-all; pointer-events: none; }
.zx figcaption { font-size: 12px; color: #444; }
.zx .zx-call { background: #f6f6f6; padding: 6px; white-space: pre-wrap; font-size: 12px; }
.zx .zx-names, .zx .zx-timing { font-size: 12px; color: #555; }
.zx :focus-visible { outline: 2px solid #1a5fb4; outline-offset: 1px; }
`;

/** Mounts every explorer on the page that is not mounted yet. */
function mountAll(): void {
  const text = document.getElementById('zx-bundle')?.textContent ?? undefined;
  document.querySelectorAll<HTMLElement>('.zx-root:not([data-mounted])').forEach((root) => {
    root.dataset.mounted = 'true';
    const data = root.querySelector('script.zx-data');
    try {
      if (!data?.textContent) throw new Error('no embedded score table');
      mount(root, decodeTables(data.textContent), text);
    } catch (e) {
      root.append(el('p', { class: 'zx-message', role: 'alert' }, `The explorer could not start: ${(e as Error).message}`));
    }
  });
}

if (typeof document === 'undefined') runWorker();
else {
  (window as unknown as { zeronasExplorer: unknown }).zeronasExplorer = { mountAll };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
  else mountAll();
}

#!/usr/bin/env node
/**
 * `zeronas <command>`: the workbench's experiments, headless.
 *   score   score architectures with proxies into a resumable CSV
 *   eval    rank correlations of a score file against benchmark accuracy
 *   parity  our proxies vs the NASLib reference table on its architectures
 *   search  searches over a score table (NASWOT Table 2(a): random-N, REA, AREA, random search)
 *   train-bench  short training of a sample of architectures with per-epoch atoms (DAS mini bench)
 *   merge   join the files of a sharded run (--shard I/N), or extend a table with them
 *   check-table  whether a score table is complete (every index once, expected settings)
 *   provenance   show or re-derive the provenance sidecar of result files
 *   explore      a standalone browser page over score files (fusion, rules, search; src/explore)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadNb201Table, NB201_ACCURACY_KEYS, Nb201AccuracyKey } from './benchmarks/nb201';
import { NASLIB_DATASETS, NaslibDataset } from './benchmarks/naslib';
import { BATCH_SELECTS, type BatchAugment, type BatchSelect } from './data/batch';
import type { CifarDataset } from './data/cifar';
import type { ReluCounting } from './engine/taps';
import { parseProxyList } from './proxies';
import { exploreTableFromScoreFile } from './explore/fromFiles';
import { explorerPage } from './explore/page';
import { selectArchs } from './runner/archs';
import { DEFAULT_ACCURACY_KEY, evaluateScores, formatEvaluation, paperKey } from './runner/evaluate';
import { archSet, SPACE_NET_DEFAULTS } from './runner/archSets';
import { formatParity, formatParityAcrossDraws, naslibReference, parity, parityAcrossDraws } from './runner/parity';
import { defaultWorkers } from './runner/pool';
import type { ScoreTable } from './runner/results';
import { readScoresForBenchmark } from './runner/checkedScores';
import { scoreToFile } from './runner/scoreFile';
import { mergeFiles } from './runner/merge';
import { checkTable, formatCompleteness } from './runner/tableCheck';
import { parseShard, shardItems, type Shard, type ShardRecord } from './runner/shard';
import { MAX_SEED, PresetName, presetFor, PRESETS, ScoreSettings, SPACE_NAMES, SpaceName } from './runner/settings';
import { describeUncaughtFsError } from './provenance/fsErrors';
import { cmdProvenance } from './runner/rederive';
import { scorePool } from './search/scorePool';
import { formatTable2a, naswotTable2a } from './search/table2a';
import { cmdTrainBench } from './train/trainBench';
import { EDGE_ORDERS, EdgeOrder } from './search/zcpt/perturb';
import { zcptSearchNb201, zcptSettings } from './search/zcpt/search';
import { appendZcptResult, pendingSeeds, zcptSidecar } from './search/zcpt/resultsFile';
import { announceDataRoots, type DataIdentity } from './data/identity';
import { acquireLock } from './provenance/lock';
import { prepareOutput } from './provenance/resultFile';
import { zcptDartsSidecar } from './search/zcpt/darts/resultsFile';
import { appendZcptShot1Result, pendingShot1Seeds, SHOT1_TOPOLOGY_WEIGHTS, SHOT1_ZERO_OP_TAPS, zcptSearchShot1, zcptShot1Settings, zcptShot1Sidecar, type Shot1TopologyWeights, type Shot1ZeroOpTaps } from './search/zcpt/nb101-1shot1';
import { appendZcptMacroResult, MACRO_DECIDED_MODES, MACRO_ZERO_OP_TAPS, pendingMacroSeeds, zcptMacroSettings, zcptSearchMacro, zcptMacroSidecar, type MacroDecidedMode, type MacroZeroOpTaps } from './search/zcpt/macro';
import { appendZcptDartsResult, DARTS_ZERO_OP_TAPS, pendingDartsSeeds, TOPOLOGY_MODES, zcptDartsSettings, zcptSearchDarts, type DartsZeroOpTaps, type TopologyMode } from './search/zcpt/darts';

const HELP: Record<string, string> = {
  main: `zeronas <command> [options]

commands:
  score    score NAS-Bench-201 architectures with training-free proxies (CSV, resumable)
  eval     PLCC / SROCC / KROCC (bootstrap CIs) of a score file against benchmark accuracy
  parity   our proxies vs the NASLib reference scores on the reference architectures
  search   NASWOT Table 2(a) from a score file: random-N, random, optimum in sample, REA, AREA, RS
  train-bench  train a fixed-seed sample of architectures a few epochs: per-epoch accuracy and
           NASWOT/DAS atoms (CSV, resumable)
  merge    join the files of a sharded run (score, train-bench, search zc-pt with --shard I/N)
  check-table NAME|FILE  whether a score table holds every index of its space exactly once with
           the expected settings (exit 1 if not), e.g. check-table nb201-cifar10-naswot
  provenance  show a result file's provenance sidecar; --rederive fills in its data identity
  explore  write a standalone HTML page to refit fusions and rules on a score file in the browser

'zeronas <command> --help' shows each command's options.`,
  score: `zeronas score [options]
  --space NAME             nb201 (official indices) | nb101 (distinct NAS-Bench-1Shot1 space-2
                           cells, 3,258) | nb101-naslib (NASLib's 500 NB101 cells) | darts
                           (NASLib's 725 NB301 genotypes) | macro (NAS-Bench-Macro, 6,561; index =
                           8-digit key in base 3); default nb201.
                           Network size: NB201 C16 N5; NB101 stem 16, 3 modules per stack
                           (naslib preset: stem 128); DARTS 32 channels, 8 cells; Macro stem 32
  --width C                base width instead of the default above (NB201 first-stage channels,
                           NB101 stem channels, DARTS initial channels, Macro stem)
  --proxies LIST           comma-separated proxy names or 'all' (default naswot); the loss-based
                           ones (grad_norm, snip, grasp, fisher, plain) need --preset naslib
  --archs SPEC             all | sample:N | naslib:<dataset> | FILE (one index or arch string per line)
  --dataset NAME           cifar10 | cifar100 (default cifar10)
  --preset NAME            naswot (paper: batch 128, no augmentation, official counting) | naslib
  --batch-size N           images in the scoring batch (preset default)
  --seed N                 seed of the batch, the sample and the network weights, 0..2^32-1
                           (default 1)
  --init-seed N            seed of the network weights alone (default: --seed)
  --sample-seed N          seed of sample:N alone (default: --seed)
  --select MODE            random | first | noise (batch images, noise: N(0,1) images; default random)
  --augment MODE           none | crop-flip (preset default)
  --counting MODE          official | naslib (NASWOT ReLU counting; preset default)
  --workers N              worker threads (default: cores; 0 = in-process)
  --out FILE               CSV to write; an existing file with the same settings is resumed
  --repeats K              average each proxy over K draws (draw r: batch and network seeds from
                           seed + r; draw 0 is the single-draw score; default 1)
  --shard I/N              score only task I of N of the selection: positions p of the seeded
                           order with p mod N = I (sidecar records the shard); 'zeronas merge'
                           joins the N files into the unsharded table
  --reuse TABLE            with --shard: start the shard's file from the rows TABLE (same settings
                           and data) holds for this shard, to extend a table without scoring them
                           again
  --quiet                  no progress bar`,
  explore: `zeronas explore --scores FILE[,FILE…] [options]
  --scores FILES           score files written by 'zeronas score' (with their .meta.json); the
                           accuracy comes from the benchmark of the space each was scored on
  --accuracy KEY           ground-truth column (default as in 'eval')
  --out FILE               HTML page to write (default: the first score file with .html)
  --title TEXT             page title`,
  merge: `zeronas merge FILES… --out FILE [--partial]
  Join score files, training-bench files or Zero-Cost-PT results files of one run (the N files of
  --shard 0/N … N-1/N, or any files with the same settings) into FILE, or extend FILE when it
  exists. Provenance sidecars must agree in every field but the shard and the command line
  (settings and data identity; differing fields are named old → new); an index (seed) in several files must hold the same values there (measured
  seconds aside). Rows already in FILE stay first; new rows follow in the order of the run's
  seeded selection (the order an unsharded one-thread run writes); the sidecar is the unsharded
  run's.
  --out FILE               table to write or extend
  --partial                merge although shards or rows of a shard are missing (reported)`,
  eval: `zeronas eval --scores FILE [options]
  --benchmark NAME         nb201 | nb101 | nb101-naslib | darts: optional; the benchmark is the
                           space recorded in FILE's sidecar, and a different one is refused
  --dataset NAME           cifar10 | cifar100 | ImageNet16-120 (nb201 only; default: the dataset
                           the scores were computed on)
  --accuracy KEY           ground-truth column (nb201 default: the dataset's 200-epoch test
                           accuracy; nb101 default test-max, the best of 3 seeds as NASWOT)
                           nb201: ${NB201_ACCURACY_KEYS.join(', ')}
                           nb101: test-max, test-mean, valid-mean; nb101-naslib: val-accuracy
  --bootstrap N            bootstrap resamples for the CIs (default 1000)`,
  parity: `zeronas parity [options]
  --space NAME             nb201 (NASLib's 725/725/724 NB201 rows) | nb101-naslib (NASLib's 500
                           NB101 cells, NASLib's network: stem 128) | darts (NASLib's 725 NB301
                           genotypes, NASLib's network: 32 channels, 8 cells); default nb201
  --proxies LIST           proxies to compare (default naswot,params)
  --batch-size N           scoring batch (default 32, NASLib's; gradient proxies on darts need 16
                           on the wasm heap)
  --dataset NAME           NASLib reference rows: cifar10 | cifar100 (default cifar10)
  --limit N                only the first N reference architectures (N ≥ 1)
  --workers N              worker threads (default: cores)
  --out FILE               score cache (default .cache/parity-nb201-<dataset>.csv; resumed)
  --repeats K              average our scores over K draws (batch and init; see score --help)
  --seeds LIST             score with each seed (batch and init), e.g. 1-8 or 1,2,3 (default 1);
                           with several, print how ρ(ours, acc) spreads over the draws, how our
                           draws agree with each other, and whether NASLib's ρ(ref, acc) falls
                           inside our range (seed s ≠ 1 caches to FILE-s<s>.csv)
  Scores use the NASLib conventions (preset naslib: NASLib normalisation, crop+flip, single
  ReLU counting, train-mode BN, batch 32).`,
  search: `zeronas search table2a --scores FILE [options]   |   zeronas search zc-pt [options]

zeronas search table2a:
  --proxy NAME             score column to search with (default naswot)
  --runs N                 runs per method (default 500, as the paper)
  --area-runs N            AREA runs (default 50, as the paper)
  --ns LIST                NASWOT sample sizes N (default 10,100,1000)
  --budget N               queried architectures per REA / AREA / random-search run (default 100;
                           the NB201 table has no training times, so budgets count queries)
  --seed N                 seed of the runs (default 0)
  Candidates for NASWOT and AREA are drawn from the architectures in the score file; accuracies
  are looked up in the NB201 table (searched on CIFAR-10, reported on every dataset).
  The score file must hold NB201 scores (its sidecar says so) whose rows match the NB201 table.

zeronas search zc-pt (Zero-Cost-PT: perturbation-based op scoring on an untrained supernet):
  --space nb201|darts|macro|nb101-1shot1  search space (default nb201)
  --proxy NAME             registry proxy scoring the supernet and the proposals (default naswot)
  --seed N                 (default 0)
  --seeds LIST             several searches, e.g. 0,1,2,3 or 0-3 (instead of --seed)
  --dataset NAME           cifar10 | cifar100: images scored and classifier width (default cifar10)
  --proposals N            N proposals (default 10, the paper's)
  --val-batches V          validation batches choosing among them (default 100, the paper's)
  --batch-size B           batch of every scoring (default: the paper's, nb201 256, darts 64)
  --channels C, --layers L darts: supernet and validation network size (default 16, 8)
  --topology MODE          darts: reference | cumulative (edge deletions per node; default reference)
  --zero-op-taps MODE      darts: skip | zero-input (what a removed op reports to NASWOT; default skip);
                           macro: reference | skip (default reference)
  macro: --channels C (stem width, default 32), --head-channels H (default 1280), --val-batches
    default 0 (the reference has no post-validation), --batch-size default 256, --decided
    reference | one-hot (a decided layer keeps its other weights at 1/3, as the reference, or
    becomes one-hot; default reference)
  nb101-1shot1 (NAS-Bench-1Shot1 search space 2): --channels C (default 16), --layers L (cells,
    default 9), --batch-size default 128, --val-batches default 100, --topology-weights softmax |
    raw (the topology step's cell encoding through softmax, as the reference, or as 0/1; default
    softmax), --zero-op-taps reference | skip (default reference: every op reports its ReLU codes)
  --edge-order ORDER       ${EDGE_ORDERS.join(' | ')} (default random)
  --workers N              worker threads (default 0: this thread; same result)
  --shard I/N              run only task I of N of the seed list (positions p with p mod N = I;
                           needs --out, whose FILE.meta.json records the shard); 'zeronas merge'
                           joins the N files
  --out FILE               append each finished search to FILE (JSON lines, one per seed); a
                           rerun with the same settings skips the seeds already there
  Example (the committed 4-seed table): zeronas search zc-pt --seeds 0-3 --proposals 10
    --val-batches 20 --batch-size 64 --out data/zcpt/nb201-cifar10-n10-v20-b64.jsonl
  Quick DARTS example (~2 min): zeronas search zc-pt --space darts --channels 4 --layers 5
    --batch-size 16 --proposals 2 --val-batches 4`,
};

function fail(msg: string): never {
  process.stderr.write(`zeronas: ${msg}\n`);
  process.exit(2);
}

function int(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) fail(`--${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

/** A positive integer option (a count: --runs, --limit, --budget …). */
function positive(v: string | undefined, name: string, dflt: number): number {
  const n = int(v, name, dflt);
  if (n < 1) fail(`--${name} must be at least 1, got ${n}`);
  return n;
}

/** A seed: 0..2^32−1 (seeds are 32-bit; a larger one would silently wrap onto a smaller one). */
function seedArg(v: string | undefined, name: string, dflt: number): number {
  const n = int(v, name, dflt);
  if (n > MAX_SEED) fail(`--${name} must be in 0..${MAX_SEED} (seeds are 32-bit), got ${v}`);
  return n;
}

function width(v: string): number {
  const c = int(v, 'width', 0);
  if (c < 1) fail(`--width must be at least 1, got ${c}`);
  return c;
}

function oneOf<T extends string>(v: string | undefined, name: string, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!allowed.includes(v as T)) fail(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

async function cmdScore(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      space: { type: 'string' }, proxies: { type: 'string' }, archs: { type: 'string' }, dataset: { type: 'string' },
      preset: { type: 'string' }, 'batch-size': { type: 'string' }, seed: { type: 'string' }, select: { type: 'string' },
      augment: { type: 'string' }, counting: { type: 'string' }, workers: { type: 'string' }, out: { type: 'string' },
      repeats: { type: 'string' }, width: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean' },
      'init-seed': { type: 'string' }, 'sample-seed': { type: 'string' },
      shard: { type: 'string' }, reuse: { type: 'string' },
    },
  });
  if (v.help) return void console.log(HELP.score);
  const space = oneOf<SpaceName>(v.space, 'space', SPACE_NAMES, 'nb201');
  const presetName = oneOf<PresetName>(v.preset, 'preset', ['naswot', 'naslib'], 'naswot');
  const dataset = oneOf<CifarDataset>(v.dataset, 'dataset', ['cifar10', 'cifar100'], 'cifar10');
  const preset = presetFor(presetName, dataset);
  const seed = seedArg(v.seed, 'seed', preset.seed);
  const settings: ScoreSettings = {
    ...preset,
    space,
    ...SPACE_NET_DEFAULTS[space][presetName],
    ...(v.width !== undefined ? { C: width(v.width) } : {}),
    dataset,
    batchSize: int(v['batch-size'], 'batch-size', preset.batchSize),
    seed,
    select: oneOf<BatchSelect>(v.select, 'select', BATCH_SELECTS, preset.select),
    augment: oneOf<BatchAugment>(v.augment, 'augment', ['none', 'crop-flip'], preset.augment),
    counting: oneOf<ReluCounting>(v.counting, 'counting', ['official', 'naslib'], preset.counting),
    proxies: parseProxyList(v.proxies ?? 'naswot'),
    ...repeatsOption(v.repeats),
    ...(v['init-seed'] !== undefined && seedArg(v['init-seed'], 'init-seed', seed) !== seed ? { initSeed: seedArg(v['init-seed'], 'init-seed', seed) } : {}),
  };
  if (!v.out) fail('score needs --out FILE');
  if (!v.archs) fail('score needs --archs all|sample:N|naslib:<dataset>|FILE');
  const all = selectArchs(v.archs, archSet(space), seedArg(v['sample-seed'], 'sample-seed', seed));
  const shard = shardOption(v.shard);
  const indices = shard ? shardItems(all, shard) : all;
  const record = shard ? { ...shard, archs: path.isAbsolute(v.archs) || !/^(all|sample:\d+|naslib:.+)$/.test(v.archs) ? path.resolve(v.archs) : v.archs, total: all.length } : undefined;
  if (v.reuse !== undefined && !record) fail('--reuse applies to a shard (--shard I/N); an unsharded run extends its --out itself');
  const command = ['zeronas', 'score', ...argv.filter((a) => a !== '--quiet')].join(' ');
  await scoreToFile(settings, indices, v.out, {
    workers: int(v.workers, 'workers', defaultWorkers()),
    quiet: v.quiet ?? false,
    command,
    ...(record ? { shard: record } : {}),
    ...(v.reuse !== undefined ? { reuse: v.reuse } : {}),
  });
}

function shardOption(v: string | undefined): Shard | undefined {
  if (v === undefined) return undefined;
  try {
    return parseShard(v);
  } catch (e) {
    fail((e as Error).message);
  }
}

function cmdMerge(argv: string[]): void {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, partial: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (v.help) return void console.log(HELP.merge);
  if (!v.out) fail('merge needs --out FILE');
  if (positionals.length === 0) fail('merge needs the files to merge (e.g. scores-*.csv)');
  const r = mergeFiles(positionals, v.out, { partial: v.partial ?? false });
  const unit = r.kind === 'zc-pt' ? 'seeds' : 'architectures';
  console.log(
    `merged ${positionals.length} ${r.kind} file${positionals.length === 1 ? '' : 's'} → ${r.out}: ${r.total} ${unit} ` +
      `(${r.kept} already there, ${r.added} added, ${r.identicalOverlaps} identical overlaps${r.missing > 0 ? `, ${r.missing} of the run still missing` : ''})`,
  );
}

function cmdEval(argv: string[]): void {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      scores: { type: 'string' }, benchmark: { type: 'string' }, dataset: { type: 'string' },
      accuracy: { type: 'string' }, bootstrap: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (v.help) return void console.log(HELP.eval);
  if (!v.scores) fail('eval needs --scores FILE');
  const asked = v.benchmark === undefined ? undefined : oneOf<SpaceName>(v.benchmark, 'benchmark', SPACE_NAMES, 'nb201');
  const bootstrap = int(v.bootstrap, 'bootstrap', 1000);
  const { table, settings, set } = readScoresForBenchmark(v.scores, asked);
  const space = settings.space;
  const dataset = oneOf(v.dataset, 'dataset', ['cifar10', 'cifar100', 'ImageNet16-120'] as const, space === 'nb201' ? settings.dataset : 'cifar10');
  if (space !== 'nb201' && dataset !== 'cifar10') fail(`the ${space} benchmark has CIFAR-10 accuracies only`);
  const key = oneOf(v.accuracy, 'accuracy', set.accuracyKeys, space === 'nb201' ? DEFAULT_ACCURACY_KEY[dataset] : set.defaultAccuracyKey);
  if (table.rows.length === 0) fail(`'${v.scores}' holds no scored architectures yet: nothing to evaluate`);
  const evals = evaluateScores(table, set, key, { bootstrap });
  if (evals.every((e) => e.unusable)) fail(`no column of '${v.scores}' can be evaluated: ${evals.map((e) => `${e.proxy}: ${e.unusable}`).join('; ')}`);
  for (const e of evals) if (e.unusable) process.stderr.write(`zeronas: column '${e.proxy}' of ${v.scores} is not evaluated: ${e.unusable}\n`);
  console.log(`benchmark: ${set.description}`);
  console.log(formatEvaluation(evals, paperKey(space, dataset), key));
}

function cmdExplore(argv: string[]): void {
  const { values: v } = parseArgs({
    args: argv,
    options: { scores: { type: 'string' }, accuracy: { type: 'string' }, out: { type: 'string' }, title: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (v.help) return void console.log(HELP.explore);
  if (!v.scores) fail('explore needs --scores FILE (a score file written by zeronas score)');
  const files = v.scores.split(',').filter((f) => f.length > 0);
  for (const f of files) if (!fs.existsSync(f)) fail(`explore: score file '${f}' not found`);
  const tables = files.map((f) => exploreTableFromScoreFile(f, v.accuracy !== undefined ? { accuracyKey: v.accuracy } : {}));
  const out = v.out ?? files[0].replace(/\.csv$/, '') + '.html';
  fs.writeFileSync(out, explorerPage(tables, v.title ?? `ZeroNAS explorer: ${files.map((f) => path.basename(f)).join(', ')}`));
  console.log(`explorer: ${tables.map((t) => `${t.id} (${t.accuracy.length} architectures × ${t.indicators.length} indicators, ${t.accuracyLabel})`).join('; ')}`);
  console.log(`wrote ${out} — open it in a browser (works offline, no server)`);
}

async function cmdParity(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      space: { type: 'string' }, proxies: { type: 'string' }, dataset: { type: 'string' }, limit: { type: 'string' },
      'batch-size': { type: 'string' }, workers: { type: 'string' }, out: { type: 'string' }, repeats: { type: 'string' },
      seeds: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (v.help) return void console.log(HELP.parity);
  const space = oneOf(v.space, 'space', ['nb201', 'nb101-naslib', 'darts'] as const, 'nb201');
  // NASLib's ImageNet16-120 rows exist, but its images are not available to score
  const dataset = oneOf<CifarDataset>(v.dataset, 'dataset', ['cifar10', 'cifar100'], 'cifar10');
  if (space !== 'nb201' && dataset !== 'cifar10') fail(`NASLib's ${space === 'darts' ? 'NB301' : 'NB101'} table has cifar10 rows only`);
  const settings: ScoreSettings = {
    ...presetFor('naslib', dataset), space, ...SPACE_NET_DEFAULTS[space].naslib, dataset,
    batchSize: int(v['batch-size'], 'batch-size', PRESETS.naslib.batchSize),
    proxies: parseProxyList(v.proxies ?? 'naswot,params'),
    ...repeatsOption(v.repeats),
  };
  const ref = naslibReference(space, dataset);
  let indices = [...ref.keys()];
  if (v.limit !== undefined) indices = indices.slice(0, positive(v.limit, 'limit', indices.length));
  const draws = settings.repeats ? `-r${settings.repeats}` : '';
  const out = v.out ?? path.join('.cache', space === 'nb201' ? `parity-nb201-${dataset}${draws}.csv` : `parity-${space}-${dataset}${draws}.csv`);
  const seeds = parseSeeds(v.seeds ?? String(settings.seed), 'seeds');
  const command = ['zeronas', 'parity', ...argv.filter((a) => a !== '--quiet')].join(' ');
  // draw r of seed s uses seed s + r: several seeds with --repeats would share draws
  if (seeds.length > 1 && settings.repeats) fail('give --repeats or several --seeds, not both (their draws would overlap)');
  const label = space === 'nb201' ? dataset : `${space} ${dataset}`;
  const opts = { workers: int(v.workers, 'workers', defaultWorkers()), quiet: v.quiet ?? false, command };
  const tables: ScoreTable[] = [];
  for (const seed of seeds) {
    const file = seed === settings.seed ? out : out.replace(/(\.csv)?$/, `-s${seed}$1`);
    if (seeds.length > 1) console.log(`seed ${seed} → ${file}`);
    tables.push(await scoreToFile({ ...settings, seed }, indices, file, opts));
  }
  if (seeds.length === 1) return void console.log(formatParity(parity(tables[0], dataset, ref), label));
  console.log(formatParityAcrossDraws(parityAcrossDraws(tables, seeds, dataset, ref), label));
}

/** `--repeats K`: K ≥ 2 draws averaged per proxy; 1 (the default) leaves the settings as single-draw. */
function repeatsOption(v: string | undefined): { repeats?: number } {
  const k = int(v, 'repeats', 1);
  if (k < 1) fail(`--repeats must be at least 1, got ${k}`);
  return k > 1 ? { repeats: k } : {};
}

/** Seeds from "3", "0,1,2,3" or "0-3". */
function parseSeeds(v: string, name: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(v);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a) fail(`--${name} range must be ascending, got '${v}'`);
    if (b > MAX_SEED) fail(`--${name}: seeds must be in 0..${MAX_SEED} (32-bit), got '${v}'`);
    if (b - a >= 100_000) fail(`--${name} range '${v}' holds more than 100,000 seeds`);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  if (!/^\d+(,\d+)*$/.test(v)) fail(`--${name} must be a list like 0,1,2,3 or a range like 0-3, got '${v}'`);
  const seeds = v.split(',').map(Number);
  if (seeds.some((x) => !Number.isSafeInteger(x) || x > MAX_SEED)) fail(`--${name}: seeds must be in 0..${MAX_SEED} (32-bit), got '${v}'`);
  const twice = [...new Set(seeds.filter((x, i) => seeds.indexOf(x) !== i))];
  if (twice.length) fail(`--${name} lists seed ${twice.join(', ')} more than once`);
  return seeds;
}

async function cmdZcpt(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      space: { type: 'string' }, proxy: { type: 'string' }, seed: { type: 'string' }, seeds: { type: 'string' }, proposals: { type: 'string' },
      'val-batches': { type: 'string' }, 'batch-size': { type: 'string' }, 'edge-order': { type: 'string' }, dataset: { type: 'string' },
      workers: { type: 'string' }, out: { type: 'string' }, shard: { type: 'string' }, help: { type: 'boolean' },
      channels: { type: 'string' }, layers: { type: 'string' }, topology: { type: 'string' }, 'zero-op-taps': { type: 'string' },
      'head-channels': { type: 'string' }, decided: { type: 'string' }, 'topology-weights': { type: 'string' },
    },
  });
  if (v.help) return void console.log(HELP.search);
  const space = oneOf(v.space, 'space', ['nb201', 'darts', 'macro', 'nb101-1shot1'] as const, 'nb201');
  if (v.seed !== undefined && v.seeds !== undefined) fail('give --seed or --seeds, not both');
  const allSeeds = v.seeds !== undefined ? parseSeeds(v.seeds, 'seeds') : [seedArg(v.seed, 'seed', 0)];
  const shardSpec = shardOption(v.shard);
  if (shardSpec && !v.out) fail('--shard needs --out FILE (each task writes its own file; zeronas merge joins them)');
  const seeds = shardSpec ? shardItems(allSeeds, shardSpec) : allSeeds;
  const shard = shardSpec ? { ...shardSpec, total: allSeeds.length, seeds: allSeeds } : undefined;
  if (seeds.length === 0) return void console.log(`shard ${v.shard} of ${allSeeds.length} seeds holds none`);
  const command = ['zeronas', 'search', 'zc-pt', ...argv].join(' ');
  if (space === 'darts' || space === 'macro') {
    for (const k of space === 'darts' ? (['head-channels', 'decided'] as const) : (['layers', 'topology', 'edge-order', 'workers'] as const)) if (v[k] !== undefined) fail(`--${k} does not apply to --space ${space}`);
  }
  if (space === 'nb101-1shot1') {
    for (const k of ['head-channels', 'decided', 'topology', 'edge-order', 'workers'] as const) if (v[k] !== undefined) fail(`--${k} does not apply to --space nb101-1shot1`);
    return zcptShot1(v, seeds, command, shard);
  }
  if (v['topology-weights'] !== undefined) fail('--topology-weights applies to --space nb101-1shot1 only');
  if (space === 'darts') return zcptDarts(v, seeds, command, shard);
  if (space === 'macro') return zcptMacro(v, seeds, command, shard);
  for (const k of ['channels', 'layers', 'topology', 'zero-op-taps', 'head-channels', 'decided'] as const) {
    const where = k === 'topology' ? 'darts' : k === 'layers' ? 'darts or nb101-1shot1' : k === 'head-channels' || k === 'decided' ? 'macro' : 'darts, macro or nb101-1shot1';
    if (v[k] !== undefined) fail(`--${k} applies to --space ${where} only`);
  }
  const base = {
    proxy: v.proxy ?? 'naswot',
    proposals: int(v.proposals, 'proposals', 10),
    valBatches: int(v['val-batches'], 'val-batches', 100),
    batchSize: int(v['batch-size'], 'batch-size', 256),
    edgeOrder: oneOf<EdgeOrder>(v['edge-order'], 'edge-order', EDGE_ORDERS, 'random'),
    dataset: oneOf<CifarDataset>(v.dataset, 'dataset', ['cifar10', 'cifar100'], 'cifar10'),
  };
  await runSearchSeeds({
    out: v.out,
    seeds,
    first: zcptSettings({ ...base, seed: seeds[0]! }),
    sidecar: (s) => zcptSidecar(s, undefined, shard),
    pending: (out, first) => pendingSeeds(out, first, seeds, shard),
    search: (seed) => zcptSearchNb201({ ...base, seed, workers: int(v.workers, 'workers', 0) }),
    report: (r) => {
      console.log(`Zero-Cost-PT on NB201 (proxy ${r.settings.proxy}, seed ${r.settings.seed}, N=${r.settings.proposals}, V=${r.settings.valBatches}, batch ${r.settings.batchSize}, edge order ${r.settings.edgeOrder}, ${r.settings.dataset})`);
      console.log(`chosen: ${r.archString}`);
      if (r.accuracies) {
        const a = r.accuracies;
        console.log(`NB201 index ${a.index}: test accuracy CIFAR-10 ${a.cifar10.toFixed(2)} %, CIFAR-100 ${a.cifar100.toFixed(2)} %, ImageNet16-120 ${a.imagenet16.toFixed(2)} %`);
      }
      console.log(`search time ${r.timing.totalSeconds.toFixed(1)} s (proposals ${r.timing.proposalSeconds.toFixed(1)} s, validation ${r.timing.validationSeconds.toFixed(1)} s)`);
    },
    append: (out, r) => appendZcptResult(out, r, command, shard),
  });
}

/** Check an output path and take its write lock (held for the whole run). */
function lockOutput(out: string): () => void {
  prepareOutput(out);
  return acquireLock(out, { onStale: (m) => process.stderr.write(m + '\n') });
}

async function zcptDarts(v: Record<string, string | boolean | undefined>, seeds: number[], command: string, shard: ShardRecord | undefined): Promise<void> {
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  if (str('edge-order') !== undefined && str('edge-order') !== 'random') fail('--edge-order: the DARTS space uses the reference random order only');
  if (str('workers') !== undefined) fail('--workers: the DARTS search runs in this thread only');
  const base = {
    proxy: str('proxy') ?? 'naswot',
    proposals: int(str('proposals'), 'proposals', 10),
    valBatches: int(str('val-batches'), 'val-batches', 100),
    batchSize: int(str('batch-size'), 'batch-size', 64),
    dataset: oneOf<CifarDataset>(str('dataset'), 'dataset', ['cifar10', 'cifar100'], 'cifar10'),
    C: int(str('channels'), 'channels', 16),
    layers: int(str('layers'), 'layers', 8),
    topology: oneOf<TopologyMode>(str('topology'), 'topology', TOPOLOGY_MODES, 'reference'),
    zeroOpTaps: oneOf<DartsZeroOpTaps>(str('zero-op-taps'), 'zero-op-taps', DARTS_ZERO_OP_TAPS, 'skip'),
  };
  await runSearchSeeds({
    out: str('out'),
    seeds,
    first: zcptDartsSettings({ ...base, seed: seeds[0]! }),
    sidecar: zcptDartsSidecar,
    pending: (out, first) => pendingDartsSeeds(out, first, seeds, shard),
    search: (seed) => zcptSearchDarts({ ...base, seed }),
    report: (r) => {
      const s = r.settings;
      console.log(`Zero-Cost-PT on DARTS (proxy ${s.proxy}, seed ${s.seed}, N=${s.proposals}, V=${s.valBatches}, batch ${s.batchSize}, C=${s.C}, ${s.layers} layers, topology ${s.topology}, ${s.dataset})`);
      console.log(`chosen: ${r.genotypeString}`);
      console.log(`search time ${r.timing.totalSeconds.toFixed(1)} s (proposals ${r.timing.proposalSeconds.toFixed(1)} s, ${r.timing.secondsPerSupernetScoring.toFixed(2)} s per supernet scoring; validation ${r.timing.validationSeconds.toFixed(1)} s)`);
    },
    append: (out, r) => appendZcptDartsResult(out, r, command, shard),
  });
}

async function zcptMacro(v: Record<string, string | boolean | undefined>, seeds: number[], command: string, shard: ShardRecord | undefined): Promise<void> {
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const base = {
    proxy: str('proxy') ?? 'naswot',
    proposals: int(str('proposals'), 'proposals', 10),
    valBatches: int(str('val-batches'), 'val-batches', 0),
    batchSize: int(str('batch-size'), 'batch-size', 256),
    dataset: oneOf<CifarDataset>(str('dataset'), 'dataset', ['cifar10', 'cifar100'], 'cifar10'),
    initChannels: int(str('channels'), 'channels', 32),
    headChannels: int(str('head-channels'), 'head-channels', 1280),
    decided: oneOf<MacroDecidedMode>(str('decided'), 'decided', MACRO_DECIDED_MODES, 'reference'),
    zeroOpTaps: oneOf<MacroZeroOpTaps>(str('zero-op-taps'), 'zero-op-taps', MACRO_ZERO_OP_TAPS, 'reference'),
  };
  await runSearchSeeds({
    out: str('out'),
    seeds,
    first: zcptMacroSettings({ ...base, seed: seeds[0]! }),
    sidecar: zcptMacroSidecar,
    pending: (out, first) => pendingMacroSeeds(out, first, seeds, shard),
    search: (seed) => zcptSearchMacro({ ...base, seed }),
    report: (r) => {
      const s = r.settings;
      const acc = (a?: { mean: number; index: number }): string => (a ? ` (index ${a.index}, mean test accuracy ${a.mean.toFixed(2)} %)` : '');
      console.log(`Zero-Cost-PT on NAS-Bench-Macro (proxy ${s.proxy}, seed ${s.seed}, N=${s.proposals}, V=${s.valBatches}, batch ${s.batchSize}, stem ${s.initChannels}, decided ${s.decided}, ${s.dataset})`);
      console.log(`proposals: ${r.proposals.map((p) => p.archString).join(' ')}`);
      console.log(`first proposal: ${r.firstProposal.archString}${acc(r.firstProposal.accuracies)}`);
      if (r.validation) console.log(`post-validated: ${r.archString}${acc(r.accuracies)}`);
      console.log(`search time ${r.timing.totalSeconds.toFixed(1)} s (proposals ${r.timing.proposalSeconds.toFixed(1)} s, ${r.timing.secondsPerSupernetScoring.toFixed(2)} s per supernet scoring; validation ${r.timing.validationSeconds.toFixed(1)} s)`);
    },
    append: (out, r) => appendZcptMacroResult(out, r, command, shard),
  });
}

async function zcptShot1(v: Record<string, string | boolean | undefined>, seeds: number[], command: string, shard: ShardRecord | undefined): Promise<void> {
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const base = {
    proxy: str('proxy') ?? 'naswot',
    proposals: int(str('proposals'), 'proposals', 10),
    valBatches: int(str('val-batches'), 'val-batches', 100),
    batchSize: int(str('batch-size'), 'batch-size', 128),
    dataset: oneOf<CifarDataset>(str('dataset'), 'dataset', ['cifar10', 'cifar100'], 'cifar10'),
    C: int(str('channels'), 'channels', 16),
    layers: int(str('layers'), 'layers', 9),
    topologyWeights: oneOf<Shot1TopologyWeights>(str('topology-weights'), 'topology-weights', SHOT1_TOPOLOGY_WEIGHTS, 'softmax'),
    zeroOpTaps: oneOf<Shot1ZeroOpTaps>(str('zero-op-taps'), 'zero-op-taps', SHOT1_ZERO_OP_TAPS, 'reference'),
  };
  await runSearchSeeds({
    out: str('out'),
    seeds,
    first: zcptShot1Settings({ ...base, seed: seeds[0]! }),
    sidecar: zcptShot1Sidecar,
    pending: (out, first) => pendingShot1Seeds(out, first, seeds, shard),
    search: (seed) => zcptSearchShot1({ ...base, seed }),
    report: (r) => {
      const s = r.settings;
      const acc = (a?: { mean: number; hash: string }): string => (a ? ` (NB101 hash ${a.hash.slice(0, 8)}…, mean test accuracy ${a.mean.toFixed(2)} %)` : '');
      console.log(`Zero-Cost-PT on NAS-Bench-1Shot1 space 2 (proxy ${s.proxy}, seed ${s.seed}, N=${s.proposals}, V=${s.valBatches}, batch ${s.batchSize}, C=${s.C}, ${s.layers} cells, topology weights ${s.topologyWeights}, ${s.dataset})`);
      console.log(`proposals: ${r.proposals.map((p) => p.cellString).join(' ')}`);
      console.log(`post-validated: ${r.archString}${r.outsideTable ? ` (NB101 hash ${r.outsideTable.hash.slice(0, 8)}…: not in the 1Shot1 table, accuracy unknown)` : acc(r.accuracies)}`);
      console.log(`search time ${r.timing.totalSeconds.toFixed(1)} s (proposals ${r.timing.proposalSeconds.toFixed(1)} s, ${r.timing.secondsPerSupernetScoring.toFixed(2)} s per supernet scoring; validation ${r.timing.validationSeconds.toFixed(1)} s, ${r.timing.secondsPerValidationScoring.toFixed(2)} s per scoring)`);
    },
    append: (out, r) => appendZcptShot1Result(out, r, command, shard),
  });
}

/**
 * The multi-seed loop every space's `zc-pt` runs: announce the data, take the output's lock, skip
 * the seeds already in the file (refusing another setting or other data), run and report each
 * remaining seed and append its line as soon as it finishes.
 */
async function runSearchSeeds<S extends object, R>(o: {
  out: string | undefined;
  seeds: readonly number[];
  first: S;
  sidecar: (s: S) => { data?: DataIdentity };
  pending: (out: string, first: S) => number[];
  search: (seed: number) => Promise<R>;
  report: (r: R) => void;
  append: (out: string, r: R) => void;
}): Promise<void> {
  announceDataRoots(o.sidecar(o.first).data!, false);
  const release = o.out ? lockOutput(o.out) : () => {};
  try {
    const todo = o.out ? o.pending(o.out, o.first) : o.seeds;
    if (o.out && todo.length < o.seeds.length) console.log(`${o.out}: ${o.seeds.length - todo.length} of ${o.seeds.length} seeds already done; running ${todo.length}`);
    for (const seed of todo) {
      const r = await o.search(seed);
      o.report(r);
      if (o.out) o.append(o.out, r);
    }
  } finally {
    release();
  }
}

function cmdSearch(argv: string[]): Promise<void> | void {
  const [what, ...rest] = argv;
  if (what === undefined || what === '--help' || what === '-h') return void console.log(HELP.search);
  if (what === 'zc-pt') return cmdZcpt(rest);
  if (what !== 'table2a') fail(`unknown search '${what}'\n\n${HELP.search}`);
  const { values: v } = parseArgs({
    args: rest,
    options: {
      scores: { type: 'string' }, proxy: { type: 'string' }, runs: { type: 'string' }, 'area-runs': { type: 'string' },
      ns: { type: 'string' }, budget: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (v.help) return void console.log(HELP.search);
  if (!v.scores) fail('search table2a needs --scores FILE (a score CSV written by zeronas score)');
  const ns = (v.ns ?? '10,100,1000').split(',').map((n) => int(n.trim(), 'ns', 0));
  if (ns.some((n) => n < 1)) fail(`--ns must list positive integers, got '${v.ns}'`);
  const runs = positive(v.runs, 'runs', 500);
  const areaRuns = positive(v['area-runs'], 'area-runs', 50);
  const budget = positive(v.budget, 'budget', 100);
  const seed = seedArg(v.seed, 'seed', 0);
  const { table, settings } = readScoresForBenchmark(v.scores);
  if (settings.space !== 'nb201') fail(`search table2a searches NAS-Bench-201, but '${v.scores}' holds ${settings.space} scores (its sidecar says so)`);
  const rows = naswotTable2a({ table: loadNb201Table(), pool: scorePool(table, v.proxy ?? 'naswot'), runs, areaRuns, ns, budget, seed });
  console.log(formatTable2a(rows));
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'score':
      return cmdScore(rest);
    case 'eval':
      return cmdEval(rest);
    case 'explore':
      return cmdExplore(rest);
    case 'parity':
      return cmdParity(rest);
    case 'search':
      return cmdSearch(rest);
    case 'train-bench':
      return cmdTrainBench(rest);
    case 'merge':
      return cmdMerge(rest);
    case 'check-table': {
      if (rest.length !== 1 || rest[0]!.startsWith('-')) fail('check-table needs one table name (e.g. nb201-cifar10-naswot) or score file');
      const c = checkTable(rest[0]!);
      console.log(formatCompleteness(c));
      if (!c.complete) process.exitCode = 1;
      return;
    }
    case 'provenance':
      return cmdProvenance(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      return void console.log(HELP.main);
    default:
      fail(`unknown command '${cmd}'\n\n${HELP.main}`);
  }
}

if (require.main === module) {
  // last resort for library errors reaching the user: no internal function name as a prefix (`someFunction: …`)
  main(process.argv.slice(2)).catch((e: unknown) => fail(describeUncaughtFsError(e).message.replace(/^[a-z]+[A-Z]\w*: |^[A-Z][a-z]+[A-Z]\w*: /, '')));
}

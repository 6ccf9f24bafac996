/**
 * Cost of one architecture-epoch of the mini training benches (`zeronas train-bench`).
 *
 * Live: for each recipe of BENCH_TB_CONFIGS, trains BENCH_TB_ARCHS architectures of the
 * seed-1 sample for one epoch twice, on T train / E test images and on 2T / 2E (BENCH_TB_TRAIN,
 * BENCH_TB_EVAL); the difference is the images-proportional cost (training and evaluation,
 * evaluation charged at the training rate: an upper bound), the rest is fixed per epoch (network
 * build, atom passes). Both are extrapolated to a full epoch of the recipe (its training images:
 * the train limit of a committed bench, else the 5,085 of the subset; the 1,017 test images) in
 * process CPU seconds and in wall seconds. Committed: the median
 * recorded wall seconds per epoch of each committed bench (`seconds` column).
 *
 *   node --import tsx bench/trainBench.ts
 *
 * Env (defaults in brackets): BENCH_TB_CONFIGS [darts-c4n5-e4-b32-t1024, the committed DARTS bench's
 * recipe; a comma-separated list of committed bench names or SPACE:CxN], BENCH_TB_ARCHS [2],
 * BENCH_TB_TRAIN [128], BENCH_TB_EVAL [128].
 */
import { loadCifar } from '../src/data/cifar';
import { initBackend } from '../src/engine/backend';
import { archSet } from '../src/runner/archSets';
import { selectArchs } from '../src/runner/archs';
import { hasProjectTrainBench, loadProjectTrainBench, PROJECT_TRAIN_BENCHES, type ProjectTrainBench, type ProjectTrainBenchName } from '../src/runner/projectTables';

/** The committed DARTS bench's recipe. */
const DEFAULT_CONFIG = 'darts-c4n5-e4-b32-t1024';
import { SPACE_NAMES, type SpaceName } from '../src/runner/settings';
import { defaultTrainBenchSettings, trainBenchArch, trainBenchScoreBatch, type TrainBenchSettings } from '../src/train/trainBench';

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`${name} must be a positive integer, got '${v}'`);
  return Number(v);
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

interface BenchRecipe {
  readonly label: string;
  readonly settings: TrainBenchSettings;
  /** Training images of one epoch of the recipe (its train limit, or the whole subset). */
  readonly epochTrain: number;
}

/** A committed bench's recipe by name, or `space:CxN` (default settings of the space at that size, the whole subset). */
function parseConfig(t: string, nTrain: number): BenchRecipe {
  const name = t.trim();
  if (name in PROJECT_TRAIN_BENCHES) {
    const { expect } = PROJECT_TRAIN_BENCHES[name as ProjectTrainBenchName] as ProjectTrainBench;
    const { trainLimit, ...rest } = expect;
    return { label: name, settings: { ...defaultTrainBenchSettings(expect.space), ...rest }, epochTrain: trainLimit ?? nTrain };
  }
  const m = /^([a-z0-9-]+):(\d+)x(\d+)$/.exec(name);
  if (!m || !SPACE_NAMES.includes(m[1] as SpaceName)) {
    throw new Error(`BENCH_TB_CONFIGS: '${t}' is neither a committed bench (${Object.keys(PROJECT_TRAIN_BENCHES).join(', ')}) nor SPACE:CxN with SPACE one of ${SPACE_NAMES.join(', ')}`);
  }
  const space = m[1] as SpaceName;
  return { label: name, settings: { ...defaultTrainBenchSettings(space), C: Number(m[2]), N: Number(m[3]) }, epochTrain: nTrain };
}

/** Live measurement of one architecture-epoch, extrapolated to a full epoch of the recipe. */
export async function benchTrainBenchLive(): Promise<void> {
  await initBackend({ quiet: true });
  const nTrain = loadCifar('cifar10', 'train').n;
  const nTest = loadCifar('cifar10', 'test').n;
  const configs = (process.env.BENCH_TB_CONFIGS ?? DEFAULT_CONFIG).split(',').map((t) => parseConfig(t, nTrain));
  const nArchs = envInt('BENCH_TB_ARCHS', 2);
  const trainLimit = envInt('BENCH_TB_TRAIN', 128);
  const evalLimit = envInt('BENCH_TB_EVAL', 128);
  console.log(`\nTraining bench: one architecture-epoch, measured on ${trainLimit} train / ${evalLimit} test images and extrapolated to an epoch of the recipe (its training images, ${nTest} test images); CPU = process user+system time`);
  for (const { label, settings, epochTrain } of configs) {
    const s: TrainBenchSettings = { ...settings, epochs: 1, trainLimit, evalLimit };
    if (s.batchSize > trainLimit) throw new Error(`BENCH_TB_TRAIN ${trainLimit} is below the recipe's batch size ${s.batchSize}`);
    const set = archSet(s.space);
    const indices = selectArchs(`sample:${nArchs}`, set, s.seed);
    const x = trainBenchScoreBatch(s);
    const perEpochCpu: number[] = [];
    const perEpochWall: number[] = [];
    try {
      for (const index of indices) {
        // Two runs, on T/E and 2T/2E images: their difference is the images-proportional cost
        // (training and evaluation), the rest is fixed per architecture-epoch (network build,
        // one atom pass; the epoch-0 atom pass is counted too, an upper bound).
        const time = (t: number, e: number): [number, number] => {
          const c0 = process.cpuUsage();
          const w0 = performance.now();
          trainBenchArch(set, index, { ...s, trainLimit: t, evalLimit: e }, x);
          return [cpuSeconds(c0), (performance.now() - w0) / 1000];
        };
        const [c1, w1] = time(trainLimit, evalLimit);
        const [c2, w2] = time(2 * trainLimit, 2 * evalLimit);
        const scale = (epochTrain + nTest) / (trainLimit + evalLimit);
        perEpochCpu.push(c1 + (c2 - c1) * (scale - 1));
        perEpochWall.push(w1 + (w2 - w1) * (scale - 1));
      }
    } finally {
      x.dispose();
    }
    console.log(
      `  ${label} (${s.space} C=${s.C} N=${s.N}, batch ${s.batchSize}, ${epochTrain} training images per epoch): ≈ ${median(perEpochCpu).toFixed(0)} CPU-s ` +
        `(${median(perEpochWall).toFixed(0)} s wall) per architecture-epoch (median of ${indices.length} archs)`,
    );
  }
}

/** Median recorded wall seconds per epoch in each committed bench. */
export function benchTrainBenchCommitted(): void {
  console.log('\nCommitted training benches: recorded wall seconds per architecture-epoch (training + test evaluation; niced background runs on a shared machine)');
  for (const name of Object.keys(PROJECT_TRAIN_BENCHES) as ProjectTrainBenchName[]) {
    if (!hasProjectTrainBench(name)) {
      console.log(`  ${name}: not present (${PROJECT_TRAIN_BENCHES[name].command})`);
      continue;
    }
    const b = loadProjectTrainBench(name);
    const secs = b.archs.flatMap((a) => a.rows.filter((r) => r.epoch > 0 && Number.isFinite(r.seconds)).map((r) => r.seconds));
    if (secs.length === 0) {
      console.log(`  ${name}: no complete architecture yet`);
      continue;
    }
    const { C, N, epochs, space } = b.settings;
    console.log(`  ${name} (${space} C=${C} N=${N}, ${epochs} epochs, ${b.archs.length} of ${b.info.plannedArchs} archs): median ${median(secs).toFixed(1)} s per architecture-epoch (min ${Math.min(...secs).toFixed(1)}, max ${Math.max(...secs).toFixed(1)})`);
  }
}

if (require.main === module) {
  benchTrainBenchLive()
    .then(() => benchTrainBenchCommitted())
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}

/**
 * Zero-Cost-PT on NAS-Bench-201: cost of one search (standalone; not part of `npm run bench`):
 *   node --import tsx bench/zcpt.ts          (or import { benchZcpt } from './zcpt')
 *
 * 1. Per-step costs, wall and CPU seconds (CPU ≈ the wall time of an idle core; the wasm backend
 *    is single-threaded): one supernet scoring (forward + NASWOT kernel, all edges undecided, the
 *    costliest step) and one standalone-network scoring (post-validation), at several batch sizes.
 * 2. One full proposal (30 supernet scorings, edges getting decided) at the smallest batch size
 *    (other sizes scaled by their supernet-scoring cost).
 * 3. Projected search times on an idle machine with W worker threads,
 *    ⌈N/W⌉·proposal + ⌈V/W⌉·U·validation (U ≤ N unique proposals, worst case U = N), for a grid of
 *    settings, and the first setting of a ladder from the paper's (N=10, V=100, batch 256) down
 *    (N kept at 10 longest, then the batch, then V) projected to fit the budget.
 * 4. Full searches at that setting (or BENCH_ZCPT_N/V/B) for BENCH_ZCPT_SEEDS seeds, on W worker
 *    threads: time, chosen architecture and its NB201 test accuracies.
 * Env: BENCH_ZCPT_BUDGET (seconds, default 900), BENCH_ZCPT_SEEDS (default 1; 0 = no full
 * search), BENCH_ZCPT_N / _V / _B (force the setting), BENCH_ZCPT_BATCHES (default 64,128,256),
 * BENCH_ZCPT_PROXY (default naswot), BENCH_ZCPT_ORDER (default random), BENCH_ZCPT_WORKERS (default:
 * the number of cores; 1 = in-process), BENCH_ZCPT_SEED0 (first seed, default 0), BENCH_ZCPT_MEASURE=0
 * (with a forced setting: skip steps 1–3).
 */
import { availableParallelism, loadavg } from 'node:os';
import { initBackend, tf } from '../src/engine/backend';
import { Rng } from '../src/engine/rng';
import { archFromCode, convOpCount, formatNb201, type Nb201Arch } from '../src/spaces/nb201/arch';
import { Nb201Network } from '../src/spaces/nb201/network';
import {
  isEdgeOrder,
  makeScorer,
  Nb201Supernet,
  PerturbState,
  runProposal,
  zcptBatch,
  zcptSearchNb201,
  type EdgeOrder,
  type ZcptScorer,
} from '../src/search/zcpt';

interface Cost {
  wall: number;
  cpu: number;
}

function measure(f: () => void): Cost {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (c: Cost): string => `${c.wall.toFixed(2)} s wall, ${c.cpu.toFixed(2)} s CPU`;
const mins = (s: number): string => `${(s / 60).toFixed(1)} min`;

/** The whole Zero-Cost-PT benchmark (steps 1–4 above). */
export async function benchZcpt(): Promise<{ seed: number; totalSeconds: number; setting: [number, number, number]; workers: number }[]> {
  const backend = await initBackend({ quiet: true });
  const budget = Number(process.env.BENCH_ZCPT_BUDGET ?? 900);
  const seeds = Number(process.env.BENCH_ZCPT_SEEDS ?? 1);
  const proxy = process.env.BENCH_ZCPT_PROXY ?? 'naswot';
  const order = (process.env.BENCH_ZCPT_ORDER ?? 'random') as EdgeOrder;
  if (!isEdgeOrder(order)) throw new Error(`BENCH_ZCPT_ORDER: unknown edge order '${order}'`);
  const batches = (process.env.BENCH_ZCPT_BATCHES ?? '64,128,256').split(',').map(Number);
  const workers = Number(process.env.BENCH_ZCPT_WORKERS ?? availableParallelism());
  const scorer: ZcptScorer = makeScorer(proxy);
  const cfg = { C: 16, N: 5, numClasses: 10 };
  console.log(`Zero-Cost-PT, NAS-Bench-201 (C=16, N=5), CIFAR-10, proxy ${proxy}, eval-mode BN, backend ${backend} (single-threaded)`);
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores (other jobs inflate wall times; CPU time does not include them)`);

  function measureAndChoose(): [number, number, number] {
    // 1. per-step costs
    const sup = new Nb201Supernet({ ...cfg, zeroOpTaps: 'reference' }, 1);
    const undecided = new PerturbState(Array.from({ length: 6 }, () => [0, 0, 0, 0, 0]));
    const archRng = new Rng(11);
    // Proposals are conv-heavy (NASWOT favours convolutions): validation cost on archs with ≥ 4 conv ops.
    const valArchs: Nb201Arch[] = [];
    while (valArchs.length < 4) {
      const a = archFromCode(archRng.int(15625));
      if (convOpCount(a) >= 4) valArchs.push(a);
    }
    const supCost = new Map<number, Cost>();
    const valCost = new Map<number, Cost>();
    console.log('\nPer-step costs (median of 3 after a warm-up):');
    for (const B of batches) {
      const b = zcptBatch('cifar10', B, B);
      const view = sup.withMixing(undecided.mixing({ edge: 0, op: 1 }));
      scorer.score({ net: view, mixing: view.mixing }, b);
      const runs = [0, 1, 2].map(() => measure(() => void scorer.score({ net: view, mixing: view.mixing }, b)));
      const s: Cost = { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) };
      supCost.set(B, s);
      const nets = valArchs.map((a, i) => new Nb201Network(a, cfg, i));
      scorer.score({ net: nets[0]!, arch: valArchs[0]!, config: cfg }, b);
      const vr = nets.map((net, i) => measure(() => void scorer.score({ net, arch: valArchs[i]!, config: cfg }, b)));
      nets.forEach((n) => n.dispose());
      const v: Cost = { wall: median(vr.map((r) => r.wall)), cpu: median(vr.map((r) => r.cpu)) };
      valCost.set(B, v);
      b.x.dispose();
      b.labels.dispose();
      console.log(`  batch ${String(B).padStart(3)}: supernet scoring (all edges mixed) ${fmt(s)};  standalone scoring (median of 4 random archs with ≥ 4 conv ops) ${fmt(v)}`);
    }

    // 2. one full proposal (30 scorings as edges get decided) at the smallest batch size; other
    //    batch sizes are scaled by the ratio of their supernet-scoring costs.
    const B0 = batches[0]!;
    const rng = new Rng(5);
    const batchRng = rng.fork();
    const p0 = measure(() =>
      void runProposal({ view: (w) => sup.withMixing(w), scorer, nextBatch: () => zcptBatch('cifar10', B0, batchRng.u32()), order, rng }),
    );
    sup.dispose();
    const propCost = new Map<number, Cost>();
    for (const B of batches) {
      const k = supCost.get(B)!.cpu / supCost.get(B0)!.cpu;
      propCost.set(B, { wall: p0.wall * k, cpu: p0.cpu * k });
    }
    console.log(`\nOne full proposal (6 edges × 5 removals, ${order} order), batch ${B0}: ${fmt(p0)} (${(p0.cpu / 30).toFixed(2)} s CPU per scoring, ` +
      `${((p0.cpu / 30) / supCost.get(B0)!.cpu * 100).toFixed(0)} % of an all-mixed scoring); other batch sizes scaled from it`);

    // 3. projections (CPU seconds ≈ idle-machine wall time), W workers: proposals and validation
    //    batches are spread over the workers, ⌈N/W⌉ proposal rounds and ⌈V/W⌉ batch rounds.
    const project = (N: number, V: number, B: number): number =>
      Math.ceil(N / workers) * propCost.get(B)!.cpu + Math.ceil(V / workers) * N * valCost.get(B)!.cpu;
    console.log(`\nProjected search time on an idle machine (CPU time of the steps, ${workers} worker${workers > 1 ? 's' : ''}, worst case U = N unique proposals), budget ${mins(budget)}:`);
    for (const B of batches) {
      const row = [10, 5, 3].map((N) => `N=${N}: ` + [100, 20, 5].map((V) => `V=${V} ${mins(project(N, V, B))}`).join(', '));
      console.log(`  batch ${String(B).padStart(3)}:  ${row.join(' | ')}`);
    }
    // From the paper's setting down: keep N = 10 proposals as long as possible, then the batch, then V.
    const ladder: [number, number, number][] = [
      [10, 100, 256], [10, 100, 128], [10, 50, 128], [10, 100, 64], [10, 50, 64], [10, 20, 64], [10, 10, 64],
      [5, 20, 64], [5, 10, 64], [3, 10, 64], [3, 5, 64],
    ];
    const fits = ladder.filter(([, , B]) => propCost.has(B)).find(([N, V, B]) => project(N, V, B) <= budget);
    const [N, V, B] = fits ?? ladder[ladder.length - 1]!;
    if (propCost.has(256)) console.log(`  paper setting N=10, V=100, batch 256: ${mins(project(10, 100, 256))} projected`);
    console.log(`  largest setting of the ladder within the budget: N=${N}, V=${V}, batch ${B}, projected ${mins(project(N, V, B))}`);
    return [N, V, B];
  }

  const forced = process.env.BENCH_ZCPT_N !== undefined;
  const setting: [number, number, number] = forced
    ? [Number(process.env.BENCH_ZCPT_N), Number(process.env.BENCH_ZCPT_V ?? 10), Number(process.env.BENCH_ZCPT_B ?? 64)]
    : [0, 0, 0];
  if (process.env.BENCH_ZCPT_MEASURE !== '0' || !forced) {
    const chosen = measureAndChoose();
    if (!forced) setting.splice(0, 3, ...chosen);
  }
  const [N, V, B] = setting;
  console.log(`\nSearch setting: N=${N}, V=${V}, batch ${B}${forced ? ' (forced by env)' : ''}`);

  // 4. full searches
  const firstSeed = Number(process.env.BENCH_ZCPT_SEED0 ?? 0);
  const done: { seed: number; totalSeconds: number; setting: [number, number, number]; workers: number }[] = [];
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const before = tf.memory().numTensors;
    const c0 = process.cpuUsage();
    const r = await zcptSearchNb201({ proxy, seed, proposals: N, valBatches: V, batchSize: B, edgeOrder: order, workers: workers > 1 ? workers : 0 });
    const cu = process.cpuUsage(c0); // this thread only when workers run the search
    const t = r.timing;
    console.log(`\nFull search, seed ${seed} (${workers > 1 ? `${workers} workers` : 'in-process'}): ${mins(t.totalSeconds)} wall` + (workers > 1 ? '' : ` (${mins((cu.user + cu.system) / 1e6)} CPU)`) + ' — ' +
      `proposals ${t.proposalSeconds.toFixed(0)} s (${t.supernetScorings} supernet scorings, ${t.secondsPerSupernetScoring.toFixed(2)} s each), ` +
      `validation ${t.validationSeconds.toFixed(0)} s (${t.validationScorings} scorings, ${t.secondsPerValidationScoring.toFixed(2)} s each)`);
    console.log(`  proposals: ${r.proposals.map((p) => formatNb201(p.arch)).join('\n             ')}`);
    console.log(`  unique ${r.validation.candidates.length}; chosen ${r.archString}` +
      (r.accuracies ? `  test acc C10 ${r.accuracies.cifar10.toFixed(2)} / C100 ${r.accuracies.cifar100.toFixed(2)} / IN16 ${r.accuracies.imagenet16.toFixed(2)} (NB201 index ${r.accuracies.index})` : ''));
    console.log(`  live tensors: ${before} before, ${tf.memory().numTensors} after`);
    done.push({ seed, totalSeconds: t.totalSeconds, setting: [N, V, B], workers });
  }
  return done;
}

if (require.main === module) {
  benchZcpt().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

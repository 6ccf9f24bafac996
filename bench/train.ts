/**
 * Training benchmark (the trainer should reach ≥ 45 % test accuracy on the CIFAR-10 data with a
 * small NB201 network in a few epochs): trains one small NAS-Bench-201 network on our CIFAR-10
 * training subset (5,085 images) and prints, per epoch, the train loss/accuracy, the test accuracy
 * on our 1,017 test images (eval-mode BN with running statistics) and the seconds spent.
 *
 *   node --import tsx bench/train.ts
 *
 * Env (defaults in brackets): BENCH_TRAIN_ARCH NB201 index or arch string [5111: top-5 on CIFAR-10,
 * 94.31 %, cheap 1×1 convs], BENCH_TRAIN_C [16], BENCH_TRAIN_N [1], BENCH_TRAIN_EPOCHS [5],
 * BENCH_TRAIN_BATCH [64], BENCH_TRAIN_LR [0.1], BENCH_TRAIN_WD [5e-4], BENCH_TRAIN_SEED [1],
 * BENCH_TRAIN_EVAL_BN running|batch [running], BENCH_TRAIN_WARMUP steps [0].
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend';
import { loadNb201Table } from '../src/benchmarks/nb201';
import { formatNb201, parseNb201, type Nb201Arch } from '../src/spaces/nb201/arch';
import { Nb201Network } from '../src/spaces/nb201/network';
import { Trainer, type EvalBn } from '../src/train';

function envNum(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got '${v}'`);
  return n;
}

async function main(): Promise<void> {
  const backend = await initBackend({ quiet: true });
  const archSpec = process.env.BENCH_TRAIN_ARCH ?? '5111';
  let arch: Nb201Arch;
  let label: string;
  if (/^\d+$/.test(archSpec)) {
    const table = loadNb201Table();
    const i = Number(archSpec);
    arch = table.arch(i);
    label = `NB201 #${i} (${table.accuracy(i, 'cifar10-test').toFixed(2)} % CIFAR-10 test in the benchmark, 200 epochs at C=16 N=5)`;
  } else {
    arch = parseNb201(archSpec);
    label = 'NB201 arch';
  }
  const C = envNum('BENCH_TRAIN_C', 16);
  const N = envNum('BENCH_TRAIN_N', 1);
  const epochs = envNum('BENCH_TRAIN_EPOCHS', 5);
  const batchSize = envNum('BENCH_TRAIN_BATCH', 64);
  const lr = envNum('BENCH_TRAIN_LR', 0.1);
  const weightDecay = envNum('BENCH_TRAIN_WD', 5e-4);
  const seed = envNum('BENCH_TRAIN_SEED', 1);
  const warmupSteps = envNum('BENCH_TRAIN_WARMUP', 0);
  const evalBn = (process.env.BENCH_TRAIN_EVAL_BN ?? 'running') as EvalBn;

  const net = new Nb201Network(arch, { C, N, numClasses: 10 }, seed);
  let cpuMark = process.cpuUsage();
  console.log(`backend: ${backend}`);
  console.log(`${label}\n  ${formatNb201(arch)}, C=${C} N=${N}, ${(net.numParams / 1e6).toFixed(3)} M parameters`);
  console.log(
    `  SGD lr ${lr} (cosine, warm-up ${warmupSteps} steps), momentum 0.9 Nesterov, weight decay ${weightDecay} (conv/linear weights), ` +
      `batch ${batchSize}, ${epochs} epochs, crop+flip, seed ${seed}, eval BN: ${evalBn}`,
  );
  const trainer = new Trainer(net, {
    dataset: 'cifar10',
    epochs,
    batchSize,
    lr,
    weightDecay,
    seed,
    evalBn,
    schedule: { kind: 'cosine', warmupSteps },
    onEpoch: (r) => {
      const cpu = process.cpuUsage(cpuMark);
      cpuMark = process.cpuUsage();
      console.log(
        `  epoch ${String(r.epoch).padStart(2)}  train loss ${r.trainLoss.toFixed(3)}  train acc ${(100 * r.trainAcc).toFixed(1).padStart(5)} %  ` +
          `test acc ${r.testAcc === undefined ? '   —  ' : (100 * r.testAcc).toFixed(1).padStart(5) + ' %'}  ` +
          `${r.seconds.toFixed(1)} s train (${((1000 * r.seconds) / trainer.data.batchesPerEpoch).toFixed(0)} ms/step)  ${r.evalSeconds.toFixed(1)} s eval  ` +
          `(${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU)  tensors ${tf.memory().numTensors}`,
      );
    },
  });
  console.log(`  ${trainer.data.size} training images, ${trainer.data.batchesPerEpoch} steps/epoch; tensors before training: ${tf.memory().numTensors}`);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  cpuMark = cpu0;
  const records = trainer.runToEnd();
  const total = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  trainer.dispose();
  net.dispose();
  const best = Math.max(...records.map((r) => r.testAcc ?? -1));
  const last = records[records.length - 1]!;
  console.log(
    `final test accuracy ${(100 * (last.testAcc ?? NaN)).toFixed(1)} % (best ${(100 * best).toFixed(1)} %), ` +
      `${records.reduce((s, r) => s + r.seconds, 0).toFixed(0)} s training + ${records.reduce((s, r) => s + r.evalSeconds, 0).toFixed(0)} s evaluation ` +
      `(${total.toFixed(0)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU of this process); target ≥ 45 %: ${(last.testAcc ?? 0) >= 0.45 ? 'met' : 'NOT met'}`,
  );
  console.log(`live tensors after dispose: ${tf.memory().numTensors}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

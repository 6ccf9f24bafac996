/**
 * Training-bench files: a long-format CSV, one row per (architecture, epoch),
 *   index,arch,epoch,train_loss,train_acc,test_loss,test_acc,seconds,naswot,das_na,das_logdet_s
 * with epochs 0..E per architecture (epoch 0: the untrained network, train/test columns `nan`,
 * seconds 0), and a sidecar `<file>.meta.json` holding the settings (trainBenchSettings.ts).
 *
 * Crash safety: all rows of one architecture are written by a single `appendFileSync`, so a run
 * killed between architectures loses nothing and one killed inside that write leaves at most one
 * block of consecutive rows of the same index, possibly ending in a partial line. On reopen only
 * complete blocks (all epochs 0..E, in order, first block per index) are kept and the file is
 * rewritten without the rest (via a temporary file and a rename). A complete architecture that
 * appears twice (two writers) is refused by the reader, naming it. Provenance as for every result
 * file (provenance/): the sidecar records the settings and the identity of the data read (CIFAR
 * training and test files, the space's table); other settings or data are refused naming what
 * differs, and one writer at a time holds the lock. Non-finite values are written `nan`, `inf`, `-inf` (a singular kernel
 * gives naswot `-inf`).
 */
import * as fs from 'node:fs';
import { parseCsvNumber } from '../benchmarks/csv';
import { dataIdentity } from '../data/root';
import { appendResult, checkInputFile, openResultFile, refuseDuplicateKeys } from '../provenance/resultFile';
import { makeSidecar, readSidecar, type Sidecar } from '../provenance/sidecar';
import { trainBenchDataFiles } from '../runner/dataFiles';
import { formatScoreValue } from '../runner/results';
import type { ShardRecord } from '../runner/shard';
import { validateTrainBenchSettings, type TrainBenchSettings } from './trainBenchSettings';

/** One row: an architecture after `epoch` training epochs. */
export interface TrainBenchRow {
  readonly index: number;
  readonly arch: string;
  readonly epoch: number;
  /** Mean batch loss / accuracy (fraction) over the epoch, train mode, augmented batches (NaN at epoch 0). */
  readonly trainLoss: number;
  readonly trainAcc: number;
  /** Test-split loss / accuracy (fraction) after the epoch, BN per `evalBn` (NaN at epoch 0). */
  readonly testLoss: number;
  readonly testAcc: number;
  /** Training seconds of this epoch, evaluation and atoms excluded (0 at epoch 0). */
  readonly seconds: number;
  /** NASWOT log|K_H| on the scoring batch, BN in train mode. */
  readonly naswot: number;
  /** DAS atoms: N_A and log|S| = log|K_H| − n·log N_A. */
  readonly dasNa: number;
  readonly dasLogDetS: number;
}

/** All rows of one architecture, `rows[e]` after e epochs. */
export interface TrainBenchArch {
  readonly index: number;
  readonly arch: string;
  readonly rows: readonly TrainBenchRow[];
}

export interface TrainBench {
  readonly settings: TrainBenchSettings;
  /** Complete architectures in file order. */
  readonly archs: readonly TrainBenchArch[];
}

export const TRAIN_BENCH_COLUMNS = [
  'index', 'arch', 'epoch', 'train_loss', 'train_acc', 'test_loss', 'test_acc', 'seconds', 'naswot', 'das_na', 'das_logdet_s',
] as const;
export const TRAIN_BENCH_HEADER = TRAIN_BENCH_COLUMNS.join(',');

const NUMERIC: readonly (keyof TrainBenchRow)[] = ['trainLoss', 'trainAcc', 'testLoss', 'testAcc', 'seconds', 'naswot', 'dasNa', 'dasLogDetS'];

export function formatTrainBenchRow(r: TrainBenchRow): string {
  if (/[,\r\n"]/.test(r.arch)) throw new Error(`train bench: architecture string '${r.arch}' contains a comma, quote or line break`);
  return [
    String(r.index), r.arch, String(r.epoch),
    ...NUMERIC.map((k) => (k === 'seconds' && Number.isFinite(r.seconds) ? r.seconds.toFixed(3) : formatScoreValue(r[k] as number))),
  ].join(',');
}

function parseRow(line: string, where: string): TrainBenchRow {
  const cells = line.split(',');
  if (cells.length !== TRAIN_BENCH_COLUMNS.length) throw new Error(`${where}: ${cells.length} cells, expected ${TRAIN_BENCH_COLUMNS.length}`);
  const int = (c: string, name: string): number => {
    if (!/^\d+$/.test(c)) throw new Error(`${where} column ${name}: '${c}' is not a non-negative integer`);
    return Number(c);
  };
  const num = (k: number): number => parseCsvNumber(cells[k]!, `${where} column ${TRAIN_BENCH_COLUMNS[k]}`);
  return {
    index: int(cells[0]!, 'index'), arch: cells[1]!, epoch: int(cells[2]!, 'epoch'),
    trainLoss: num(3), trainAcc: num(4), testLoss: num(5), testAcc: num(6), seconds: num(7), naswot: num(8), dasNa: num(9), dasLogDetS: num(10),
  };
}

interface Parsed {
  /** Complete lines of the file (header included), up to the last line break. */
  readonly completeText: string;
  readonly archs: TrainBenchArch[];
  /** Rows dropped: partial or duplicate blocks. */
  readonly droppedRows: number;
  readonly partialLine: boolean;
}

/** Split a file's text into complete architecture blocks of epochs 0..`epochs`. */
function parseText(text: string, file: string, epochs: number): Parsed {
  const firstBreak = text.indexOf('\n');
  const firstLine = (firstBreak < 0 ? text : text.slice(0, firstBreak)).replace(/\r$/, '');
  if (firstLine !== TRAIN_BENCH_HEADER) {
    throw new Error(`'${file}' is not a training-bench file of this layout (header '${firstLine.slice(0, 120)}', expected '${TRAIN_BENCH_HEADER}')`);
  }
  const completeText = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = completeText.split('\n').slice(1);
  if (lines.at(-1) === '') lines.pop();
  const rows = lines.map((l, k) => parseRow(l.replace(/\r$/, ''), `${file} line ${k + 2}`));
  const archs: TrainBenchArch[] = [];
  let kept = 0;
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j < rows.length && rows[j]!.index === rows[i]!.index) j++;
    let block = rows.slice(i, j);
    // two complete blocks of one index back to back (two writers) are two architectures here
    if (block.length > epochs + 1 && block.length % (epochs + 1) === 0) block = block.slice(0, epochs + 1), (j = i + epochs + 1);
    const complete = block.length === epochs + 1 && block.every((r, e) => r.epoch === e && r.arch === block[0]!.arch);
    if (complete) {
      archs.push({ index: block[0]!.index, arch: block[0]!.arch, rows: block });
      kept += block.length;
    }
    i = j;
  }
  refuseDuplicateKeys(archs.map((a) => a.index), file, 'architecture index');
  return { completeText, archs, droppedRows: rows.length - kept, partialLine: completeText.length !== text.length };
}

/** The provenance sidecar of a bench: its settings and the identity of the data they read. */
export function trainBenchSidecar(settings: TrainBenchSettings, command?: string, shard?: ShardRecord): Sidecar<TrainBenchSettings> {
  const s = validateTrainBenchSettings(settings);
  return makeSidecar('train-bench', s, dataIdentity(trainBenchDataFiles(s)), command, shard);
}

/** Whether a file's text holds rows beyond its header (a run stopped before its first architecture holds none: started afresh). */
function holdsRows(text: string): boolean {
  return text.split('\n').filter((l) => l.trim() !== '').length > 1 || (text.trim() !== '' && !text.startsWith(TRAIN_BENCH_HEADER));
}

export interface TrainBenchFile {
  /** Indices with all epochs 0..E in the file. */
  readonly done: ReadonlySet<number>;
  /** Rows removed on opening (incomplete or duplicate architectures of a killed run). */
  readonly droppedRows: number;
  /** Append all rows (epochs 0..E) of one architecture in one write. */
  append(rows: readonly TrainBenchRow[]): void;
  /** Release the write lock. */
  close(): void;
}

/**
 * Open a training-bench file for appending, creating it (and its sidecar) when absent, empty or
 * holding only the header; drops the rows of incomplete architectures. `command` (the CLI line) is recorded in the sidecar.
 * @throws when the file was written with other settings or another layout.
 */
export function openTrainBenchFile(
  file: string,
  settings: TrainBenchSettings,
  opts: { command?: string; sidecar?: Sidecar<TrainBenchSettings>; onStale?: (msg: string) => void } = {},
): TrainBenchFile {
  const s = validateTrainBenchSettings(settings);
  const sidecar = opts.sidecar ?? trainBenchSidecar(s, opts.command);
  const opened = openResultFile(file, sidecar, { emptyText: TRAIN_BENCH_HEADER + '\n', holdsRows }, opts);
  const done = new Set<number>();
  let droppedRows = 0;
  try {
    if (opened.resumed) {
      const p = parseText(fs.readFileSync(file, 'utf8'), file, s.epochs);
      droppedRows = p.droppedRows;
      if (p.droppedRows > 0 || p.partialLine) {
        const tmp = `${file}.tmp-${process.pid}`;
        fs.writeFileSync(tmp, [TRAIN_BENCH_HEADER, ...p.archs.flatMap((a) => a.rows.map(formatTrainBenchRow))].join('\n') + '\n');
        fs.renameSync(tmp, file);
      }
      for (const a of p.archs) done.add(a.index);
    }
  } catch (e) {
    opened.release();
    throw e;
  }
  return {
    done,
    droppedRows,
    append: (rows) => {
      if (rows.length !== s.epochs + 1 || rows.some((r, e) => r.epoch !== e || r.index !== rows[0]!.index)) {
        throw new Error(`train bench: append takes epochs 0..${s.epochs} of one architecture, got epochs ${rows.map((r) => `${r.index}:${r.epoch}`).join(' ')}`);
      }
      if (done.has(rows[0]!.index)) throw new Error(`'${file}' already holds architecture index ${rows[0]!.index}; not writing it twice`);
      appendResult(file, rows.map((r) => formatTrainBenchRow(r) + '\n').join(''));
      done.add(rows[0]!.index);
    },
    close: opened.release,
  };
}

/** The settings a training-bench file was written with (its sidecar). */
export function readTrainBenchSettings(file: string): TrainBenchSettings {
  return validateTrainBenchSettings(readSidecar<TrainBenchSettings>(file, 'train-bench').settings);
}

/** Read a training-bench file: its settings and complete architectures (a killed run's partial block is left out). */
export function readTrainBench(file: string): TrainBench {
  checkInputFile(file, 'training-bench file');
  const settings = readTrainBenchSettings(file);
  return { settings, archs: parseText(fs.readFileSync(file, 'utf8'), file, settings.epochs).archs };
}

/**
 * Run-time backend choice: tfjs-node-gpu → tfjs-node → wasm → cpu, decided once per process.
 *
 * The native bindings are optional (they download libtensorflow at install time, which fails
 * offline), so they are probed with `require` and accepted only when they really register the
 * native `tensorflow` backend (npm aliases may map `@tensorflow/tfjs-node` to plain tfjs).
 */
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

let chosen: Promise<BackendName> | undefined;

function tryNative(pkg: string): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require(pkg);
    const factories = (tf.engine() as unknown as { registryFactory: Record<string, unknown> }).registryFactory;
    return factories['tensorflow'] != null;
  } catch {
    return false;
  }
}

async function choose(prefer: BackendName | undefined, quiet: boolean): Promise<BackendName> {
  const order: BackendName[] = prefer ? [prefer] : ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    let ok = false;
    if (name === 'tensorflow-gpu') ok = tryNative('@tensorflow/tfjs-node-gpu') && (await tf.setBackend('tensorflow'));
    else if (name === 'tensorflow') ok = tryNative('@tensorflow/tfjs-node') && (await tf.setBackend('tensorflow'));
    else if (name === 'wasm') {
      try {
        require('@tensorflow/tfjs-backend-wasm');
        ok = await tf.setBackend('wasm');
      } catch {
        ok = false;
      }
    } else ok = await tf.setBackend('cpu');
    if (ok) {
      await tf.ready();
      // a note, not an error: on stderr for the CLI (stdout stays parseable), on stdout in a notebook
      // kernel, where stderr renders as an error box
      if (!quiet) (inNotebookKernel() ? process.stdout : process.stderr).write(`[zeronas] tfjs backend: ${name}\n`);
      return name;
    }
  }
  throw new Error(`no tfjs backend could be started (tried ${order.join(', ')})`);
}

/**
 * Initialise tfjs once and return the backend that runs. `ZERONAS_BACKEND` (or `prefer`) forces
 * one backend; the choice is printed once on stderr unless `quiet`.
 */
export function initBackend(opts: { prefer?: BackendName; quiet?: boolean } = {}): Promise<BackendName> {
  if (!chosen) {
    const env = process.env.ZERONAS_BACKEND as BackendName | undefined;
    const prefer = opts.prefer ?? (env && env.length > 0 ? env : undefined);
    if (prefer && !['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'].includes(prefer)) {
      throw new Error(`unknown backend '${prefer}' (ZERONAS_BACKEND): use tensorflow-gpu, tensorflow, wasm or cpu`);
    }
    chosen = choose(prefer, opts.quiet ?? false);
  }
  return chosen;
}

export { tf };

/** Whether this process is a tslab (Jupyter) kernel. */
export function inNotebookKernel(): boolean {
  return process.argv.some((a) => /[\\/]tslab[\\/]/.test(a));
}

/**
 * The committed WebAssembly bytes (src/proxies/hammingWasm.ts) are the compilation of
 * src/proxies/hamming.wat by scripts/build-wasm.mjs (wabt): an edit to the text that was not
 * rebuilt, or a hand-edited binary, fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';

test('hammingWasm.ts is hamming.wat compiled (npm run build:wasm)', async () => {
  const { wasmModuleSource, TS_FILE } = await import('../../scripts/build-wasm.mjs');
  assert.equal(fs.readFileSync(TS_FILE, 'utf8'), await wasmModuleSource(), 'src/proxies/hammingWasm.ts differs from the compiled hamming.wat: run npm run build:wasm');
});

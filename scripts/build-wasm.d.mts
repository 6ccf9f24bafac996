/** Types of build-wasm.mjs (imported by test/proxies/hammingWasm.test.ts). */
export declare const WAT_FILE: string;
export declare const TS_FILE: string;
export declare function wasmModuleSource(): Promise<string>;

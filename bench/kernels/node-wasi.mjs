// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Runs a wasm32-wasi command under node's built-in WASI: node node-wasi.mjs FILE.wasm [ARGS]
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import process from 'node:process';

const wasi = new WASI({ version: 'preview1', args: process.argv.slice(2), env: {}, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(process.argv[2]));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);

import { createRequire } from 'node:module';
import type * as OnnxRuntime from 'onnxruntime-node';

/**
 * onnxruntime-node, required as the CommonJS package it is. Imported as an ES module instead, Node
 * first parses its sources for their export names, which doubled the package's load time (about 30
 * ms against 15), paid on every scoring thread's start as well as on the calling thread's: an
 * evaluation's first rows wait for both. It is the same module instance either way.
 */
export const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof OnnxRuntime;

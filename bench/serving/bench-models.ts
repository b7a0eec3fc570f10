import fs from 'node:fs';
import path from 'node:path';
import type { ModelFile } from './children.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BREAST_CANCER = path.join(ROOT, 'test/fixtures/data/breast_cancer');

/** A model the benchmark serves, and how to make rows for it. */
export interface BenchModel extends ModelFile {
  /** As the report names it. */
  readonly title: string;
  readonly input: string;
  /** One row's shape (the input's shape without its batch dimension). */
  readonly rowDims: readonly number[];
  /** `count` rows, flat, the same on every run. */
  rows(count: number): number[];
}

/** The 569 rows of the breast-cancer fixture, 30 features each. */
function breastCancerRows(): number[][] {
  const [header, ...lines] = fs
    .readFileSync(path.join(BREAST_CANCER, 'breast_cancer.csv'), 'utf8')
    .trim()
    .split('\n');
  const columns = (header as string).split(',');
  const features = columns
    .map((_, i) => i)
    .filter((i) => !['id', 'target', 'split'].includes(columns[i] as string));
  return lines.map((line) => {
    const cells = line.split(',');
    return features.map((i) => Number(cells[i]));
  });
}

/** A fixed pseudo-random sequence (mulberry32), so that bodies are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BC_WIDE_MLP: BenchModel = {
  name: 'bc',
  title: 'bc-wide-mlp',
  file: path.join(BREAST_CANCER, 'bc-wide-mlp.onnx'),
  input: 'input',
  rowDims: [30],
  rows: (count) => {
    const table = breastCancerRows();
    return Array.from({ length: count }, (_, i) => table[i % table.length] as number[]).flat();
  },
};

export const OWN_MLP: BenchModel = {
  name: 'mlp',
  title: 'MLP 32-256-256-10',
  file: path.join(import.meta.dirname, 'fixtures/mlp-32-256-256-10.onnx'),
  probabilitiesOutput: 'probabilities',
  input: 'input',
  rowDims: [32],
  // Features in [-2, 2), four decimals: text in JSON that float32 reads back as the reference does.
  rows: (count) => {
    const next = seeded(32);
    return Array.from({ length: count * 32 }, () => Math.round((next() * 4 - 2) * 1e4) / 1e4);
  },
};

export const CNN: BenchModel = {
  name: 'cnn',
  title: 'CNN 28x28 (2 x Conv+Relu+MaxPool, Gemm 10)',
  file: path.join(import.meta.dirname, 'fixtures/cnn-28x28.onnx'),
  probabilitiesOutput: 'probabilities',
  input: 'image',
  rowDims: [1, 28, 28],
  // Grey levels k/255, as an image's pixels scaled to [0, 1].
  rows: (count) => {
    const next = seeded(28);
    return Array.from({ length: count * 28 * 28 }, () => Math.floor(next() * 256) / 255);
  },
};

export const CIFAR_CNN: BenchModel = {
  name: 'cifar',
  title: 'CNN 3x32x32, CIFAR-10 size (4 x Conv+Relu, 2 x MaxPool, Gemm 128, Gemm 10)',
  file: path.join(import.meta.dirname, 'fixtures/cnn-cifar-32x32.onnx'),
  probabilitiesOutput: 'probabilities',
  input: 'image',
  rowDims: [3, 32, 32],
  rows: (count) => {
    const next = seeded(3232);
    return Array.from({ length: count * 3 * 32 * 32 }, () => Math.floor(next() * 256) / 255);
  },
};

/** The models whose point is one image per request, as a binary tensor. */
export const IMAGE_MODELS: readonly BenchModel[] = [CNN, CIFAR_CNN];

export const MODELS: readonly BenchModel[] = [BC_WIDE_MLP, OWN_MLP, ...IMAGE_MODELS];

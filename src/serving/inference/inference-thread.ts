/**
 * An inference thread: one onnxruntime session of one served model version, running one batch at
 * a time. onnxruntime's `run` blocks its thread for the whole call, so serving keeps it here and
 * the HTTP thread keeps answering. Inputs arrive and outputs leave as transferred buffers.
 */
import { parentPort } from 'node:worker_threads';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { openSession } from '../../runtime/onnx-session.js';
import { ort } from '../../runtime/onnxruntime.js';
import type { NamedTensor, TensorData, TensorType } from '../named-tensor.js';
import type { InstanceMessage, ThreadMessage } from './inference-protocol.js';

const port = parentPort;
let session: InferenceSession | null = null;

if (port) {
  let queue: Promise<unknown> = Promise.resolve();
  port.on('message', (message: InstanceMessage) => {
    queue = queue.then(() => handle(message));
  });
}

async function handle(message: InstanceMessage): Promise<void> {
  if (message.kind === 'stop') {
    await session?.release();
    session = null;
    // Ends this thread (not the process), between two messages: never inside onnxruntime.
    process.exit(0);
  }
  if (message.kind === 'load') {
    try {
      session = await openSession(message.model, { intraOpThreads: message.intraOpThreads });
      post({ kind: 'ready' });
    } catch (error) {
      post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  try {
    if (session === null) throw new Error('the inference thread has no model loaded');
    const feeds: Record<string, Tensor> = {};
    for (const input of message.inputs) {
      feeds[input.name] = new ort.Tensor(input.type, input.data as Tensor['data'], input.dims);
    }
    const results = await session.run(feeds, [...message.outputs]);
    const outputs: NamedTensor[] = message.outputs.map((name) => {
      const tensor = results[name] as Tensor;
      return {
        name,
        type: tensor.type as TensorType,
        dims: [...tensor.dims],
        data: tensor.data as TensorData,
      };
    });
    post({ kind: 'result', id: message.id, outputs }, transferable(outputs));
  } catch (error) {
    post({ kind: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
}

function transferable(tensors: readonly NamedTensor[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const tensor of tensors) {
    if (!Array.isArray(tensor.data))
      buffers.add((tensor.data as Exclude<TensorData, string[]>).buffer as ArrayBuffer);
  }
  return [...buffers];
}

function post(message: ThreadMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

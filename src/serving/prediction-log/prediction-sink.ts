import { randomUUID } from 'node:crypto';
import type { EncodedFile, IndexRequest } from './prediction-log-protocol.js';

/** Who a batch's predictions came from: the served name clients used, and the version behind it. */
export interface BatchSource {
  readonly deployment: string;
  readonly modelName: string;
  readonly modelVersion: number;
}

/** A batch ready to store: one Arrow file of one source's predictions. */
export interface PredictionFile extends EncodedFile {
  /** 32 hex digits, chosen by whoever encoded the file: a retried upload names the same batch. */
  readonly id: string;
  readonly source: BatchSource;
}

/**
 * Where a prediction log's batches go: the store this process opened (LocalPredictionSink: the
 * artifact store and the database's index), or an Assay server (RemotePredictionSink: an upload
 * to `POST /api/assay/v1/predictions/batches`, which stores it the same way).
 */
export interface PredictionSink {
  /**
   * How the log's thread is to write the id index of batch `batchId` as it encodes it (the store's
   * sink has one; a server's has none: the server indexes what it receives).
   */
  indexFor(batchId: string): Promise<IndexRequest | null>;
  /**
   * Stores one file: true, or false when a batch with its id was stored before. Rejects when it
   * could not be stored; the log counts it lost (onFlushError) and goes on.
   */
  write(file: PredictionFile): Promise<boolean>;
  /** Lets go of what it holds (connections); called once the log flushed its last batch. */
  close(): Promise<void>;
}

export function newBatchId(): string {
  return randomUUID().replaceAll('-', '');
}

/** A batch id as newBatchId makes them (it names the batch's file). */
export const BATCH_ID = /^[0-9a-f]{32}$/;

import { BadRequestError } from '../../errors/assay-error.js';
import type { TableBatch } from '../../datasets/dataset-table.js';
import type { ModelSpec } from '../../runtime/model-spec.js';
import type { NamedTensor } from '../named-tensor.js';
import { bodyKind } from './content-type.js';
import { csvTable } from './csv-table.js';
import { dataframeRecordsTable } from './dataframe-records.js';
import { dataframeSplitTable } from './dataframe-split.js';
import { jsonRequest } from './json-request.js';
import type { ScoringFormat } from './scoring-format.js';
import { tableFeeds } from './table-feeds.js';
import { tensorPayloadTable } from './tensor-payload.js';

/** A scoring request, decoded: the model's inputs in signature order, each `rows` long. */
export interface ScoringRequest {
  readonly inputs: NamedTensor[];
  readonly rows: number;
  /** How the response is shaped: as the request was (see ScoringFormat). */
  readonly format: ScoringFormat;
}

/**
 * Decodes a `POST /invocations` body the way `mlflow models serve` reads it (mlflow/pyfunc/
 * scoring_server/__init__.py, `invocations`): JSON with one of `dataframe_split`,
 * `dataframe_records`, `instances`, `inputs`, or a CSV with a header row. Every form becomes table
 * columns, and the columns become the model's inputs as they do in evaluations: a tensor-mode model
 * takes its recorded feature columns in order, a columns-mode model one input per column by name.
 * Bad input throws BadRequestError (400, BAD_REQUEST, as MLflow answers) naming the field or column
 * and row; an unsupported Content-Type throws UnsupportedMediaTypeError (415).
 *
 * @example
 * decodeScoringRequest('application/json', Buffer.from('{"inputs": [[17.99, 10.38, ...]]}'), spec)
 * // { inputs: [{ name: 'input', type: 'float32', dims: [1, 30], data: Float32Array }], rows: 1, format: 'tensor' }
 */
export function decodeScoringRequest(
  contentType: string | undefined,
  body: Buffer,
  spec: ModelSpec,
): ScoringRequest {
  const { batch, format, featureColumns } = requestTable(contentType, body, spec);
  return { inputs: tableFeeds(spec, batch, featureColumns), rows: batch.length, format };
}

interface RequestTable {
  readonly batch: TableBatch;
  readonly format: ScoringFormat;
  /** The columns a tensor-mode model without recorded feature columns takes, in order. */
  readonly featureColumns: readonly string[] | null;
}

function requestTable(contentType: string | undefined, body: Buffer, spec: ModelSpec): RequestTable {
  if (spec.inputMode === 'tensors') {
    throw new BadRequestError(
      `This model takes tensors no table feeds (${spec.signature.inputs.map((input) => input.name).join(', ')}): send them to the KServe v2 endpoint, /v2/models/{name}/infer`,
    );
  }
  if (bodyKind(contentType) === 'csv') return dataframe(csvTable(body));
  const { key, value } = jsonRequest(body);
  switch (key) {
    case 'dataframe_split': {
      const unnamed = spec.inputMode === 'tensor' ? spec.featureColumns : null;
      return dataframe(dataframeSplitTable(value, unnamed));
    }
    case 'dataframe_records':
      return dataframe(dataframeRecordsTable(value));
    case 'instances':
    case 'inputs':
      return { ...tensorPayloadTable(key, value, spec), format: 'tensor' };
  }
}

/** A DataFrame request: its columns, in order, are what a model without recorded features takes. */
function dataframe(batch: TableBatch): RequestTable {
  return { batch, format: 'dataframe', featureColumns: [...batch.columns.keys()] };
}

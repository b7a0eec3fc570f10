import type { FastifyPluginAsync } from 'fastify';
import type { SourceFormat } from '../../datasets/dataset-entities.js';
import { formatOfFileName, parseSourceFormat } from '../../datasets/source-format.js';
import { InvalidParameterError, PayloadTooLargeError } from '../../errors/assay-error.js';
import type { BehaviourOperations } from '../../operations/behaviour-operations.js';
import type { ModelTask } from '../../runtime/model-spec.js';
import { parseSlice } from '../../operations/slice-argument.js';
import { requestContext } from '../request-context.js';
import { receiveUpload } from '../artifacts/upload-body.js';

export interface BehaviourUploadOptions {
  readonly operations: BehaviourOperations;
  readonly uploadLimitBytes: number;
}

type Query = Record<string, string | string[] | undefined>;

/**
 * The two routes that take a file as the raw request body, streamed (never buffered whole, never
 * held to the JSON body limit): `POST /models/:name/versions` (an .onnx file) and
 * `POST /datasets/:name/versions` (a CSV, JSONL or Parquet file). Options travel in the query.
 */
export const behaviourUploadRoutes: FastifyPluginAsync<BehaviourUploadOptions> = async (
  app,
  { operations, uploadLimitBytes },
) => {
  // Past the limit the body fails as it streams: the readers (ONNX loading, dataset import) do not count.
  const upload = { limit: uploadLimitBytes, tooLarge: () => tooLarge(uploadLimitBytes), enforce: true };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.post<{ Params: { name: string }; Querystring: Query }>(
    '/models/:name/versions',
    async (request, reply) =>
      receiveUpload(request, reply, upload, (openBody) => {
        const file = openBody();
        const query = request.query;
        const features = single(query, 'features');
        const task = single(query, 'task');
        if (task !== undefined && task !== 'classification' && task !== 'regression') {
          throw new InvalidParameterError(`task must be 'classification' or 'regression', got '${task}'`);
        }
        return operations.registerModel(
          {
            name: request.params.name,
            file,
            features: features === undefined ? undefined : splitList(features),
            task: task as ModelTask | undefined,
            outputs: {
              label: single(query, 'label_output'),
              probabilities: single(query, 'probabilities_output'),
              value: single(query, 'value_output'),
            },
            description: single(query, 'description'),
          },
          requestContext(request),
        );
      }),
  );

  app.post<{ Params: { name: string }; Querystring: Query }>(
    '/datasets/:name/versions',
    async (request, reply) =>
      receiveUpload(request, reply, upload, (openBody) => {
        const file = openBody();
        const query = request.query;
        return operations.createDataset({
          name: request.params.name,
          file,
          format: sourceFormat(single(query, 'format'), single(query, 'filename')),
          label: single(query, 'label'),
          id: single(query, 'id'),
          slices: list(query, 'slice').map(parseSlice),
          description: single(query, 'description'),
        });
      }),
  );
};

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `The upload is larger than the limit of ${limit} bytes (ASSAY_ARTIFACT_UPLOAD_LIMIT_BYTES)`,
  );
}

function single(query: Query, key: string): string | undefined {
  const value = query[key];
  if (Array.isArray(value)) {
    if (value.length > 1)
      throw new InvalidParameterError(`${key} was given ${value.length} times; give it once`);
    return value[0];
  }
  return value === '' ? undefined : value;
}

function list(query: Query, key: string): string[] {
  const value = query[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The format given, else the uploaded file's extension (as the embedded CLI decides it). */
function sourceFormat(format: string | undefined, filename: string | undefined): SourceFormat {
  if (format !== undefined) return parseSourceFormat(format);
  if (filename !== undefined) return formatOfFileName(filename);
  throw new InvalidParameterError('format is required (csv, jsonl or parquet) when no file name is given');
}

import type { TableBatch } from '../../datasets/dataset-table.js';
import { BadRequestError, InvalidParameterError } from '../../errors/assay-error.js';
import { modelFeeder } from '../../runtime/model-runner.js';
import type { ModelSpec } from '../../runtime/model-spec.js';
import type { NamedTensor, TensorData, TensorType } from '../named-tensor.js';

/**
 * A request's rows as the model's inputs, made by the feeder evaluations use (src/runtime/
 * model-runner.ts, `modelFeeder`): the same column-to-input mapping, conversions and errors, so a
 * row scored here gets the prediction its evaluation recorded. `defaultFeatureColumns` are the
 * request's own columns, for a tensor-mode model that records none (then MLflow's ONNX flavor too
 * feeds the columns in the order given). The feeder's input errors become BAD_REQUEST, MLflow's code
 * for any scoring input it cannot use.
 */
export function tableFeeds(
  spec: ModelSpec,
  batch: TableBatch,
  defaultFeatureColumns: readonly string[] | null,
): NamedTensor[] {
  try {
    const { feeder } = modelFeeder(spec, defaultFeatureColumns);
    const feeds = feeder.bind(batch).feeds(0, batch.length, batch.length);
    return spec.signature.inputs.map((input) => {
      const tensor = feeds[input.name];
      if (tensor === undefined) throw new Error(`the feeder gave no tensor for input '${input.name}'`);
      // The feeder writes into buffers it reuses on its next call: the request keeps a copy.
      const data = tensor.data as TensorData;
      return {
        name: input.name,
        type: tensor.type as TensorType,
        dims: [...tensor.dims],
        data: Array.isArray(data) ? [...data] : data.slice(),
      };
    });
  } catch (error) {
    if (error instanceof InvalidParameterError) throw new BadRequestError(error.message);
    throw error;
  }
}

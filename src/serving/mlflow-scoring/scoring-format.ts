/**
 * Which of the two shapes MLflow's scoring server answers in, decided by the request: a DataFrame
 * (`dataframe_split`, `dataframe_records`, CSV) gets one record per row; tensors (`instances`,
 * `inputs`) get one array per model output. The ONNX flavor's pyfunc returns a DataFrame for the
 * first and a dict of arrays for the second (mlflow/onnx/__init__.py, `_OnnxModelWrapper.predict`).
 */
export type ScoringFormat = 'dataframe' | 'tensor';

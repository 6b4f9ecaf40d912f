/** MLflow's local output read as runs: file stores (`mlruns/`), SQLite tracking databases, and their artifacts. */
export { listArtifacts, localArtifactDir, serverArtifactPath } from './artifacts';
export { findMlflowStores, MLFLOW_STORE_MAX_DEPTH } from './discover';
export { mlflowRunFields, mlflowStatus } from './fields';
export { readMlflowFileStore, type MlflowRunCache } from './files';
export { EMPTY_METRIC_TAIL, emptySeries, parseMetricText, readMetricFile, type MetricFileRead, type MetricTail, type SeriesBuffer } from './metricFile';
export { findMlflowSqliteFiles, MLFLOW_TABLES, readMlflowSqlite } from './sqlite';

/** Every registered model of a workspace folder: Labbook's own first, then MLflow's. */
import type { SqlJsStatic } from 'sql.js';
import { findMlflowSqliteFiles, findMlflowStores } from '../importers/mlflow';
import type { Problems } from '../problems';
import { readLabbookModels } from './labbookRegistry';
import type { RegisteredModelInfo } from './model';
import { readMlflowFileRegistry, readMlflowSqliteRegistry } from './mlflowRegistry';

export interface ReadModelsOptions {
  /** Also read MLflow's registries found in the workspace (default true). */
  readonly mlflow?: boolean;
}

/** `root` is the workspace folder (absolute), `logRoot` the log root relative to it. */
export async function readModels(SQL: SqlJsStatic, root: string, logRoot: string, problems: Problems, options: ReadModelsOptions = {}): Promise<RegisteredModelInfo[]> {
  const models = await readLabbookModels(root, logRoot, problems);
  if (options.mlflow === false) return models;
  return [...models, ...(await readMlflowModels(SQL, root, problems))];
}

/** MLflow's registered models in the workspace: every file store's `models/` and every mlflow.db's tables. */
export async function readMlflowModels(SQL: SqlJsStatic, root: string, problems: Problems): Promise<RegisteredModelInfo[]> {
  const models: RegisteredModelInfo[] = [];
  for (const store of await findMlflowStores(root)) models.push(...(await readMlflowFileRegistry(root, store, problems)));
  for (const db of await findMlflowSqliteFiles(root)) models.push(...(await readMlflowSqliteRegistry(SQL, root, db, problems)));
  return models;
}

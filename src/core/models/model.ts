/** Registered models as the Models view shows them, whichever registry they come from. */

export type RegistrySource = 'labbook' | 'mlflow';

export interface ModelVersionInfo {
  readonly version: number;
  /** The run's uid in the index (what `labbook.openRun` takes), when the run is known. */
  readonly runUid?: string;
  readonly runId?: string;
  readonly runName?: string;
  readonly experiment?: string;
  /** The artifact's logical name (Labbook) or the source URI (MLflow). */
  readonly artifact?: string;
  /** Workspace-relative (posix) path of the model file or folder, when it is local. */
  readonly path?: string;
  readonly kind?: 'file' | 'folder';
  readonly size?: number;
  readonly sha256?: string;
  /** Last metric values of the run when the version was registered. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly description?: string;
  readonly aliases: readonly string[];
  /** MLflow's stage (Staging, Production, Archived), where set. */
  readonly stage?: string;
  /** When it was registered, Unix seconds. */
  readonly time?: number;
}

export interface RegisteredModelInfo {
  readonly source: RegistrySource;
  readonly name: string;
  /** Workspace-relative folder of the model (Labbook, MLflow file store) or the database file. */
  readonly location: string;
  readonly description?: string;
  /** Oldest first. */
  readonly versions: readonly ModelVersionInfo[];
  /** Alias → version. */
  readonly aliases: Readonly<Record<string, number>>;
  /** Whether Labbook may write alias records for it (its own registry only). */
  readonly writable: boolean;
}

/** Letters, digits, `_`, `-`, starting with a letter or `_`; `latest` and `v<number>` are reserved. */
export function aliasError(alias: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(alias)) return 'an alias is letters, digits, _ and -, starting with a letter (up to 64 characters)';
  if (/^(latest|v\d+)$/i.test(alias)) return `'${alias}' is reserved: latest and v<number> name versions`;
  return undefined;
}

/** How the harness tells the in-host test runner what to run and where to write results. */
export interface IntegrationConfig {
  /** Compiled suite files (absolute). */
  files: string[];
  /** Where the runner writes SuiteResults JSON (absolute). */
  resultsFile: string;
  timeoutMs?: number;
  grep?: string;
}

/** Environment variable with the path of the config JSON. */
export const CONFIG_ENV = 'LABBOOK_TEST_CONFIG';
/** Fallback when the environment does not reach the extension host: `<workspace>/<CONFIG_FILE>`. */
export const CONFIG_FILE = '.labbook-test/config.json';

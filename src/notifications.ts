import * as vscode from 'vscode';
import { escapeNotificationText } from './core/plainText';

/**
 * Every notification Labbook shows goes through here. Their text often quotes run logs (run names,
 * alert messages, artifact paths), and VS Code turns `[label](command:...)` in a notification into
 * a link that runs a command, so the whole text is made plain first (see escapeNotificationText).
 */

export type NotificationLevel = 'info' | 'warning' | 'error';

export interface ShownNotification {
  readonly level: NotificationLevel;
  /** The text exactly as it was handed to VS Code. */
  readonly text: string;
}

/** The most recent notifications, newest last (for the integration tests, through the API). */
const shown: ShownNotification[] = [];
const KEEP = 50;

export function shownNotifications(): readonly ShownNotification[] {
  return [...shown];
}

/** Shows `text` (made plain) with optional buttons; resolves to the button clicked. */
export function notify<T extends string>(level: NotificationLevel, text: string, ...buttons: T[]): Thenable<T | undefined> {
  const plain = escapeNotificationText(text);
  shown.push({ level, text: plain });
  if (shown.length > KEEP) shown.splice(0, shown.length - KEEP);
  if (level === 'error') return vscode.window.showErrorMessage(plain, ...buttons);
  if (level === 'info') return vscode.window.showInformationMessage(plain, ...buttons);
  return vscode.window.showWarningMessage(plain, ...buttons);
}

/** A modal question (a dialog shows plain text; it is made plain all the same). */
export function askModal<T extends string>(text: string, ...buttons: T[]): Thenable<T | undefined> {
  const plain = escapeNotificationText(text);
  shown.push({ level: 'warning', text: plain });
  if (shown.length > KEEP) shown.splice(0, shown.length - KEEP);
  return vscode.window.showWarningMessage(plain, { modal: true }, ...buttons);
}

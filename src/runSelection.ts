import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { runKey, type RunRef } from './protocol/runRef';

/** Who changed the selection: the view that made it does not need to be told again. */
export type SelectionOrigin = 'tree' | 'table' | 'api';

export interface SelectionChange {
  readonly refs: readonly RunRef[];
  readonly origin: SelectionOrigin;
  /** The panel or view object that made the change (a runs table), when there are several of a kind. */
  readonly from?: object;
}

/**
 * The runs the user has selected, one selection for the whole app: rows selected in a runs table
 * are the runs selected in the Experiments tree, and the reverse, and Compare opened from either
 * compares them. Each view reports what the user selected there and follows the changes made elsewhere.
 */
export class RunSelection extends Disposable {
  private current: RunRef[] = [];
  private readonly emitter = this.register(new vscode.EventEmitter<SelectionChange>());
  readonly onDidChange = this.emitter.event;

  get refs(): readonly RunRef[] {
    return this.current;
  }

  get uids(): string[] {
    return this.current.map((r) => r.uid);
  }

  /** Replaces the selection (duplicates dropped, order kept); nothing happens when it is the same. */
  set(refs: readonly RunRef[], origin: SelectionOrigin, from?: object): void {
    const next = [...new Map(refs.map((r) => [runKey(r), r])).values()];
    if (next.length === this.current.length && next.every((r, i) => runKey(r) === runKey(this.current[i]))) return;
    this.current = next;
    this.emitter.fire({ refs: next, origin, from });
  }
}

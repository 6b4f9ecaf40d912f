/** Where core code reports input it could not use. The host shows these in the Labbook output channel. */
export interface Problems {
  report(message: string): void;
}

export const silentProblems: Problems = { report: () => undefined };

/** Collects problems in memory (tests, benchmarks). */
export class ProblemList implements Problems {
  readonly messages: string[] = [];
  report(message: string): void {
    this.messages.push(message);
  }
}

import type { ChangesMessage } from './messages';
import type { IngestChanges } from '../ingest/changes';

/** IngestChanges as a plain message (sets and maps as arrays). */
export function toChangesMessage(c: IngestChanges): ChangesMessage {
  return {
    runs: [...c.runs],
    reset: [...c.reset],
    removed: [...c.removed],
    points: [...c.points].map(([uid, keys]) => [uid, [...keys]]),
  };
}

/** The IngestChanges a message describes. */
export function fromChangesMessage(m: ChangesMessage): IngestChanges {
  return {
    runs: new Set(m.runs),
    reset: new Set(m.reset),
    removed: new Set(m.removed),
    points: new Map(m.points.map(([uid, keys]) => [uid, new Map(keys)])),
  };
}

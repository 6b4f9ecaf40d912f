// Seeds a workspace with an index file larger than 2 GiB, as a long-running workspace grows one
// (sparse: it uses no disk). Used by the integration tier, where the extension activates over it.
import * as fs from 'fs';
import * as path from 'path';

export const OVERSIZED_INDEX_BYTES = 2 ** 31 + 4096;

export function seedOversizedIndex(workspace: string): void {
  const dir = path.join(workspace, '.labbook');
  fs.mkdirSync(dir, { recursive: true });
  const fd = fs.openSync(path.join(dir, 'index.sqlite'), 'w');
  try {
    fs.ftruncateSync(fd, OVERSIZED_INDEX_BYTES);
  } finally {
    fs.closeSync(fd);
  }
}

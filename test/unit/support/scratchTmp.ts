// Loaded by mocha before any test file (.mocharc.json `require`): every temporary folder the unit and
// hostile tests make, in this process and in the processes they start, goes in one folder of this run,
// removed when the run ends, so running the tests again and again leaves nothing behind.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-unit-'));
// Readable by all, as the temp folder itself is: some hostile tests run a process as an unprivileged user.
fs.chmodSync(scratch, 0o755);
process.env.TMPDIR = scratch;

export const mochaHooks = {
  afterAll(): void {
    fs.rmSync(scratch, { recursive: true, force: true });
  },
};

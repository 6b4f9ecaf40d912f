import * as path from 'node:path';
import * as fs from 'node:fs';

/** Repository root: the nearest folder above this file (source or bundled copy) holding package.json with name "labbook". */
function findRepoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'labbook') return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`labbook repository root not found above ${__dirname}`);
    dir = up;
  }
}

export const repoRoot = findRepoRoot();
export const toolsDir = process.env.LABBOOK_TOOLS ?? path.join(repoRoot, '.tools');
/** Compiled test harness (see test/support/build.mjs). */
export const harnessOut = path.join(repoRoot, 'out', 'harness');
export const resultsDir = path.join(repoRoot, 'test-results');
export const screenshotsDir = path.join(resultsDir, 'screenshots');
export const chromiumPath = process.env.LABBOOK_CHROMIUM ?? '/usr/bin/chromium';

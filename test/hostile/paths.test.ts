/**
 * Issue 9: path traversal forms in paths that come from files (artifact records, embedded image
 * references, MLflow's artifact_uri, a run's folder): `..`, absolute, `%2e%2e`, `%252e`,
 * backslashes, UNC, `file://`, NUL. None of them reads a file outside the workspace (or the run
 * folder); a bad path in a run log is reported with file and line and the rest of the run loads.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { locateArtifact, readArtifactImage } from '../../src/core/artifacts';
import { readConsole } from '../../src/core/ingest/console';
import { embeddedPath, readEmbedded } from '../../src/core/importers/embedded';
import { localArtifactDir } from '../../src/core/importers/mlflow';
import { parseLine } from '../../src/core/format/records';
import { appendEvents, header, workspace } from '../unit/support/helpers';
import { png } from '../unit/support/png';
import { sandbox, SECRET, type Sandbox } from './support/outside';

/** Every form of a path meant to reach `outside/ssh/secret.png` from `<root>/labbook/run/`. */
function traversals(s: Sandbox): Array<[string, string]> {
  const up = '../../../home/ssh/secret.png';
  const bs = up.replace(/\//g, '\\');
  return [
    ['..', up],
    ['.. after a folder', 'img/../../../../home/ssh/secret.png'],
    ['absolute', s.secretPng],
    ['%2e%2e', up.replace(/\.\./g, '%2e%2e')],
    ['%252e', up.replace(/\.\./g, '%252e%252e')],
    ['backslashes', bs],
    ['leading backslash', `\\${bs}`],
    ['UNC', `\\\\localhost\\${s.secretPng.replace(/^\//, '').replace(/\//g, '\\')}`],
    ['UNC with forward slashes', `//localhost${s.secretPng}`],
    ['file://', `file://${s.secretPng}`],
    ['file: relative', `file:${up}`],
    ['NUL', `ok.png\0${up}`],
    ['drive letter', 'C:\\Users\\me\\.ssh\\secret.png'],
  ];
}

function labbookRun(s: Sandbox): void {
  appendEvents(path.join(s.root, 'labbook', 'run', 'events.jsonl'), [header('run')]);
}

describe('hostile: path traversal forms', () => {
  const run = { folder: 'labbook/run', source: 'labbook' };
  const imported = { folder: 'mlruns/1/abc', source: 'mlflow' };

  it('no traversal form in a Labbook artifact path reads the outside image (regression)', async () => {
    const s = sandbox();
    labbookRun(s);
    const secret = fs.readFileSync(s.secretPng);
    for (const [form, p] of traversals(s)) {
      const where = locateArtifact(s.root, run, p);
      if (where?.kind === 'file') assert.ok(where.file.startsWith(path.join(s.root, 'labbook', 'run') + path.sep), `${form}: ${where.file}`);
      const got = await readArtifactImage(s.root, run, p).catch(() => undefined);
      assert.ok(!got || !got.bytes.equals(secret), form);
    }
  });

  it('no traversal form in another tracker\'s artifact path reads the outside image (regression)', async () => {
    const s = sandbox();
    const secret = fs.readFileSync(s.secretPng);
    for (const [form, p] of traversals(s)) {
      const where = locateArtifact(s.root, imported, p);
      if (where?.kind === 'file') assert.ok(where.file.startsWith(s.root + path.sep), `${form}: ${where.file}`);
      const got = await readArtifactImage(s.root, imported, p).catch(() => undefined);
      assert.ok(!got || !got.bytes.equals(secret), form);
    }
  });

  it('percent-encoded dots are names, never decoded into `..` (regression)', async () => {
    const s = sandbox();
    labbookRun(s);
    // A real folder literally named `%2e%2e` inside the run: that is what the path names.
    s.write('labbook/run/%2e%2e/a.png', png(2, 2, () => [1, 2, 3]));
    assert.strictEqual((await readArtifactImage(s.root, run, '%2e%2e/a.png')).mime, 'image/png');
  });

  it('no traversal form in an embedded image reference reads the outside file (regression)', async () => {
    const s = sandbox();
    const size = fs.statSync(s.secretPng).size;
    for (const [form, p] of traversals(s)) {
      const ref = { file: p, offset: 0, length: size, ext: 'png' as const };
      await assert.rejects(readEmbedded(s.root, ref, 'tb/run'), (e: unknown) => e instanceof Error, form);
      // The same through the artifact path the index keeps.
      const got = await readArtifactImage(s.root, { folder: 'tb/run', source: 'tensorboard' }, embeddedPath(ref)).catch(() => undefined);
      assert.strictEqual(got, undefined, form);
    }
  });

  it('no form of MLflow artifact_uri leads outside the workspace (regression)', async () => {
    const s = sandbox();
    fs.mkdirSync(path.join(s.root, 'mlruns'));
    const forms = [
      s.secretDir,
      `file://${s.secretDir}`,
      `file:${s.secretDir}`,
      '../home/ssh',
      'mlruns/../../home/ssh',
      `file://${s.root}/../home/ssh`,
      `file://${s.root}/%2e%2e/home/ssh`,
      `file://${s.root}/%252e%252e/home/ssh`,
      '..\\home\\ssh',
      `\\\\localhost\\${s.secretDir.replace(/^\//, '').replace(/\//g, '\\')}`,
      `//localhost${s.secretDir}`,
      `file://localhost${s.secretDir}`,
      `${s.root}\0/../home/ssh`,
    ];
    for (const uri of forms) {
      const dir = await localArtifactDir(uri, s.root, [path.join(s.root, 'mlruns'), s.root]);
      assert.ok(dir === undefined || dir.startsWith(s.root + path.sep), `${uri} -> ${dir}`);
    }
  });

  it('an artifact record with any traversal form (UNC and file:// included) is reported with file:line; the rest of the run loads', async () => {
    const s = sandbox();
    const ws = await workspace({ root: s.root });
    const records: object[] = [header('run')];
    // Percent-encoded dots are plain names inside the run folder (see above): every other form is refused.
    const bad = traversals(s).filter(([form]) => form !== '%2e%2e' && form !== '%252e');
    for (const [, p] of bad) records.push({ t: 'artifact', path: p, name: 'x.png' });
    records.push({ t: 'metrics', step: 0, values: { loss: 1 } });
    appendEvents(path.join(s.root, 'labbook', 'run', 'events.jsonl'), records);
    await ws.indexer.sync();
    const r = ws.store.getRun('run')!;
    assert.strictEqual(r.pointCount, 1);
    for (const a of ws.store.getArtifacts(r.id)) assert.ok(!a.path.includes('..') && !path.isAbsolute(a.path) && !a.path.includes('\0'), a.path);
    for (let line = 2; line <= bad.length + 1; line++) {
      assert.ok(ws.problems.messages.some((m) => m.startsWith(`labbook/run/events.jsonl:${line}:`)), `line ${line}: ${ws.problems.messages.join('\n')}`);
    }
  });

  it('a UNC, backslash-rooted or URI artifact path is refused like an absolute one', () => {
    for (const p of ['\\\\host\\share\\x.png', '\\etc\\x.png', 'file:///etc/x.png', 'file:x.png', 'c:x.png']) {
      const parsed = parseLine(JSON.stringify({ t: 'artifact', path: p, name: 'x.png' }));
      assert.strictEqual(parsed.kind, 'invalid', p);
    }
  });

  it('a console read for a folder that leaves the workspace gives nothing (regression)', async () => {
    const s = sandbox();
    fs.writeFileSync(path.join(s.outside, 'console.log'), `${SECRET}\n`);
    for (const folder of ['../home', s.outside, 'labbook/../../home', '..\\home']) {
      assert.ok(!(await readConsole(s.root, folder)).text.includes(SECRET), folder);
    }
  });
});

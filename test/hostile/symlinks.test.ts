/**
 * Issue 9, item 1: links in a cloned workspace that lead outside it. Nothing outside is read,
 * listed or written; each refusal is reported naming the file; the rest of the workspace loads.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { readArtifactImage } from '../../src/core/artifacts';
import { appendEdit, editsPath } from '../../src/core/edits';
import { walkFolders } from '../../src/core/fsWalk';
import { readConsole } from '../../src/core/ingest/console';
import { openWorkspaceIndex } from '../../src/core/store/openIndex';
import { writeFileInside } from '../../src/core/safePath';
import { readEmbedded } from '../../src/core/importers/embedded';
import { readMlflowFileStore } from '../../src/core/importers/mlflow';
import { readWandbRun } from '../../src/core/importers/wandb';
import { readDvclive } from '../../src/core/importers/dvclive';
import { readSwanlab } from '../../src/core/importers/swanlab';
import { TensorBoardRunReader } from '../../src/core/importers/tensorboard';
import { importFinders } from '../../src/core/importers/finders';
import { ImportIndex } from '../../src/core/ingest/importIndex';
import { fileVersionEvent, scalarEvents } from '../unit/support/tfevents';
import { ProblemList } from '../../src/core/problems';
import { appendEvents, header, loadSql, workspace } from '../unit/support/helpers';
import { png } from '../unit/support/png';
import { leaks, sandbox, SECRET, type Sandbox } from './support/outside';

const LONG_AGO = 4_000_000_000;

/** `promise`, or 'hung' when it has not settled after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'hung'> {
  return Promise.race([promise, new Promise<'hung'>((r) => setTimeout(() => r('hung'), ms).unref())]);
}

/** A named pipe at `file`, or undefined where `mkfifo` is missing. */
function fifo(file: string): string | undefined {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    execFileSync('mkfifo', [file]);
    return file;
  } catch {
    return undefined;
  }
}

/** Lets an open that waits on the pipe's other end go on (so a failing run still ends). */
function release(pipe: string, side: 'reader' | 'writer'): void {
  try {
    fs.closeSync(fs.openSync(pipe, (side === 'reader' ? fs.constants.O_RDONLY : fs.constants.O_WRONLY) | fs.constants.O_NONBLOCK));
  } catch {
    // nobody waiting
  }
}

/** A sandbox whose workspace holds one ordinary run `labbook/good` that must keep loading. */
function withGoodRun(): Sandbox {
  const s = sandbox();
  appendEvents(path.join(s.root, 'labbook', 'good', 'events.jsonl'), [header('good'), { t: 'metrics', step: 0, values: { loss: 1 } }]);
  return s;
}

function indexed(s: Sandbox): ReturnType<typeof workspace> {
  return workspace({ root: s.root });
}

describe('hostile: links leading outside the workspace', () => {
  describe('edits files (writes)', () => {
    it('renaming a run whose labbook.edits.jsonl links to ~/.bashrc writes nothing there and says why', async () => {
      const s = withGoodRun();
      appendEvents(path.join(s.root, 'labbook', 'run-x', 'events.jsonl'), [header('$(touch ~/pwned)', { name: 'innocent' })]);
      s.link('labbook/run-x/labbook.edits.jsonl', s.bashrc);
      const ws = await indexed(s);
      await ws.indexer.sync();
      const run = ws.store.listRuns().find((r) => r.folder === 'labbook/run-x');
      assert.ok(run, 'the run with a hostile run_id still loads');
      await assert.rejects(
        appendEdit(s.root, editsPath(run, 'labbook'), run.uid, { t: 'set', name: 'renamed' }),
        (e: Error) => e.message.includes('labbook/run-x/labbook.edits.jsonl') && /link/.test(e.message),
      );
      assert.strictEqual(fs.readFileSync(s.bashrc, 'utf8'), s.bashrcText);
      assert.ok(!fs.existsSync(path.join(s.outside, 'pwned')));
      assert.ok(ws.store.getRun('good'), 'the rest of the workspace loads');
    });

    it('a header run_id outside letters, digits, "-" and "_" is reported with file:line and not used as the id', async () => {
      const s = withGoodRun();
      appendEvents(path.join(s.root, 'labbook', 'run-x', 'events.jsonl'), [header('$(touch ~/pwned)', { name: 'innocent' })]);
      const ws = await indexed(s);
      await ws.indexer.sync();
      assert.strictEqual(ws.store.getRun('$(touch ~/pwned)'), undefined);
      const run = ws.store.getRun('run-x');
      assert.ok(run, 'the run is known by its folder');
      assert.strictEqual(run.name, 'innocent');
      assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook/run-x/events.jsonl:1:') && m.includes('run_id')), ws.problems.messages.join('\n'));
    });

    it('an imported run\'s edits folder (`_imported`) that links outside gets nothing written', async () => {
      const s = sandbox();
      fs.mkdirSync(path.join(s.root, 'labbook'));
      s.link('labbook/_imported', s.secretDir);
      const before = s.snapshot();
      const run = { uid: 'mlflow:mlruns/1/abc', source: 'mlflow', folder: 'mlruns/1/abc' };
      await assert.rejects(appendEdit(s.root, editsPath(run, 'labbook'), run.uid, { t: 'note', text: 'x' }), /labbook\/_imported.*link/);
      assert.deepStrictEqual(s.snapshot(), before);
    });

    it('an edits file that is a hard link to a file elsewhere is not appended to', async () => {
      const s = sandbox();
      fs.mkdirSync(path.join(s.root, 'labbook', 'run-h'), { recursive: true });
      try {
        fs.linkSync(s.bashrc, path.join(s.root, 'labbook', 'run-h', 'labbook.edits.jsonl'));
      } catch {
        return; // temp folders on different devices: no hard link to test
      }
      await assert.rejects(appendEdit(s.root, 'labbook/run-h/labbook.edits.jsonl', 'run-h', { t: 'set', name: 'n' }), /hard link/);
      assert.strictEqual(fs.readFileSync(s.bashrc, 'utf8'), s.bashrcText);
    });

    it('an edits file that is a named pipe makes the edit fail at once instead of hanging', async function () {
      const s = sandbox();
      const pipe = fifo(path.join(s.root, 'labbook', 'run-p', 'labbook.edits.jsonl'));
      if (!pipe) this.skip();
      const outcome = await within(appendEdit(s.root, 'labbook/run-p/labbook.edits.jsonl', 'run-p', { t: 'set', name: 'n' }).then(() => 'written', (e: Error) => e.message), 3000);
      release(pipe, 'reader');
      assert.notStrictEqual(outcome, 'hung');
      assert.match(String(outcome), /labbook\/run-p\/labbook\.edits\.jsonl/);
    });

    it('an edits file linked outside is not read by the indexer either', async () => {
      const s = withGoodRun();
      fs.writeFileSync(s.secretFile, JSON.stringify({ t: 'set', name: SECRET, uid: 'good' }) + '\n');
      const link = s.link('labbook/good/labbook.edits.jsonl', s.secretFile);
      const ws = await indexed(s);
      await ws.indexer.sync([link]);
      await ws.indexer.sync();
      assert.ok(!leaks(ws.store.listRuns()));
      assert.strictEqual(ws.store.getRun('good')?.name, 'good');
      assert.ok(ws.problems.messages.some((m) => m.includes('labbook/good/labbook.edits.jsonl')), ws.problems.messages.join('\n'));
      assert.ok(!leaks(ws.problems.messages));
    });
  });

  describe('run logs and the log root', () => {
    it('an events.jsonl linked outside and passed by a watcher event is not read; the message names it', async () => {
      const s = withGoodRun();
      const link = s.link('labbook/run-l/events.jsonl', s.secretLog);
      const ws = await indexed(s);
      await ws.indexer.sync();
      await ws.indexer.sync([link]);
      assert.ok(!leaks(ws.store.listRuns()), 'nothing of the target in the index');
      assert.strictEqual(ws.store.getRun('stolen'), undefined);
      assert.ok(!leaks(ws.problems.messages), 'nothing of the target in the messages');
      assert.ok(ws.problems.messages.some((m) => m.includes('labbook/run-l/events.jsonl') && /outside/.test(m)), ws.problems.messages.join('\n'));
      assert.ok(ws.store.getRun('good'));
      // Reported once, not at every poll.
      await ws.indexer.sync([link]);
      assert.strictEqual(ws.problems.messages.filter((m) => m.includes('labbook/run-l/events.jsonl')).length, 1);
    });

    it('an events.jsonl that is a named pipe does not hang indexing', async function () {
      const s = withGoodRun();
      const pipe = fifo(path.join(s.root, 'labbook', 'run-p', 'events.jsonl'));
      if (!pipe) this.skip();
      const ws = await indexed(s);
      const outcome = await within(ws.indexer.sync([pipe]).then(() => 'done', () => 'done'), 3000);
      release(pipe, 'writer');
      assert.strictEqual(outcome, 'done');
      await ws.indexer.sync();
      assert.ok(ws.store.getRun('good'));
    });

    it('an events.jsonl in a run folder that links outside is not read', async () => {
      const s = withGoodRun();
      const dir = path.join(s.outside, 'run');
      fs.mkdirSync(dir);
      fs.copyFileSync(s.secretLog, path.join(dir, 'events.jsonl'));
      s.link('labbook/run-d', dir);
      const ws = await indexed(s);
      await ws.indexer.sync();
      await ws.indexer.sync([path.join(s.root, 'labbook', 'run-d', 'events.jsonl')]);
      assert.ok(!leaks(ws.store.listRuns()));
      assert.ok(!leaks(ws.problems.messages));
      assert.ok(ws.store.getRun('good'));
    });

    it('a log root that links outside is not read, and says so naming it', async () => {
      const s = sandbox();
      const logs = path.join(s.outside, 'logs');
      fs.mkdirSync(path.join(logs, 'run-1'), { recursive: true });
      fs.copyFileSync(s.secretLog, path.join(logs, 'run-1', 'events.jsonl'));
      s.link('labbook', logs);
      const ws = await indexed(s);
      await ws.indexer.sync();
      await ws.indexer.sync([path.join(s.root, 'labbook', 'run-1', 'events.jsonl')]);
      assert.deepStrictEqual(ws.store.listRuns(), []);
      assert.ok(!leaks(ws.problems.messages));
      assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook ') && /outside/.test(m)), ws.problems.messages.join('\n'));
    });

    it('a console.log linked to ~/.ssh/id_rsa is not shown', async () => {
      const s = withGoodRun();
      s.link('labbook/good/console.log', s.secretFile);
      const { text, problem } = await readConsole(s.root, 'labbook/good');
      assert.ok(!text.includes(SECRET));
      // Said, not silently empty: the message names the file and why.
      assert.match(problem ?? '', /labbook\/good\/console\.log/);
      assert.match(problem ?? '', /outside|link/);
      assert.ok(!(problem ?? '').includes(SECRET));
    });

    it('a console.log inside the run folder is still shown (control)', async () => {
      const s = withGoodRun();
      s.write('labbook/good/console.log', 'epoch 1\n');
      assert.strictEqual((await readConsole(s.root, 'labbook/good')).text, 'epoch 1\n');
    });
  });

  describe('artifacts', () => {
    const labbookRun = { folder: 'labbook/good', source: 'labbook' };

    it('a Labbook run\'s image artifact linked outside is not read', async () => {
      const s = withGoodRun();
      s.link('labbook/good/leak.png', s.secretPng);
      await assert.rejects(readArtifactImage(s.root, labbookRun, 'leak.png'), /outside/);
    });

    it('an image inside a Labbook run\'s artifact folder that links outside is not read', async () => {
      const s = withGoodRun();
      s.link('labbook/good/media', s.secretDir);
      await assert.rejects(readArtifactImage(s.root, labbookRun, 'media/secret.png'), /outside/);
    });

    it('a Labbook run\'s image linked to another run\'s folder is refused (the run folder is the fence)', async () => {
      const s = withGoodRun();
      s.write('labbook/other/x.png', png(2, 2, () => [0, 0, 0]));
      s.link('labbook/good/x.png', path.join(s.root, 'labbook', 'other', 'x.png'));
      await assert.rejects(readArtifactImage(s.root, labbookRun, 'x.png'), /outside labbook\/good/);
    });

    it('an image artifact really in the run folder is still read (control)', async () => {
      const s = withGoodRun();
      s.write('labbook/good/img/a.png', png(2, 2, () => [0, 255, 0]));
      assert.strictEqual((await readArtifactImage(s.root, labbookRun, 'img/a.png')).mime, 'image/png');
    });

    it('an embedded image whose event file links outside is not read', async () => {
      const s = sandbox();
      s.link('tb/run/events.out.tfevents.1', s.secretPng);
      const ref = { file: 'tb/run/events.out.tfevents.1', offset: 0, length: fs.statSync(s.secretPng).size, ext: 'png' as const };
      await assert.rejects(readEmbedded(s.root, ref, 'tb/run'), /outside/);
    });

    function mlflowRun(s: Sandbox, artifactUri: string): string {
      s.write('mlruns/1/meta.yaml', "artifact_location: ./mlruns/1\nexperiment_id: '1'\nlifecycle_stage: active\nname: crafted\n");
      s.write('mlruns/1/abc/meta.yaml', `artifact_uri: ${artifactUri}\nend_time: 1700000100000\nexperiment_id: '1'\nlifecycle_stage: active\nrun_id: abc\nrun_name: r\nstart_time: 1700000000000\nstatus: FINISHED\n`);
      return path.join(s.root, 'mlruns', '1', 'abc');
    }

    it('MLflow: an artifacts/ folder linked to ~/.ssh is not listed', async () => {
      const s = sandbox();
      mlflowRun(s, './mlruns/1/abc/artifacts');
      s.link('mlruns/1/abc/artifacts', s.secretDir);
      const runs = await readMlflowFileStore(s.root, 'mlruns', new ProblemList());
      assert.strictEqual(runs.length, 1);
      assert.deepStrictEqual(runs[0].artifacts, []);
    });

    it('MLflow: an artifact_uri naming a link inside the workspace that leads outside is not listed', async () => {
      const s = sandbox();
      s.link('stash', s.secretDir);
      mlflowRun(s, `file://${path.join(s.root, 'stash')}`);
      const runs = await readMlflowFileStore(s.root, 'mlruns', new ProblemList());
      assert.deepStrictEqual(runs[0].artifacts, []);
    });

    for (const [form, uri] of [
      ['absolute', (s: Sandbox) => s.secretDir],
      ['file://', (s: Sandbox) => `file://${s.secretDir}`],
      ['..', () => '../home/ssh'],
      ['.. below the workspace', () => 'mlruns/../../home/ssh'],
    ] as const) {
      it(`MLflow: an artifact_uri outside the workspace (${form}) is not listed (regression)`, async () => {
        const s = sandbox();
        mlflowRun(s, uri(s));
        const runs = await readMlflowFileStore(s.root, 'mlruns', new ProblemList());
        assert.deepStrictEqual(runs[0].artifacts, []);
      });
    }

    it('MLflow: params and meta.yaml linked outside are not read', async () => {
      const s = sandbox();
      mlflowRun(s, './mlruns/1/abc/artifacts');
      s.link('mlruns/1/abc/params', s.secretDir);
      fs.rmSync(path.join(s.root, 'mlruns', '1', 'abc', 'meta.yaml'));
      s.link('mlruns/1/abc/meta.yaml', s.secretFile);
      const problems = new ProblemList();
      const runs = await readMlflowFileStore(s.root, 'mlruns', problems);
      assert.ok(!leaks(runs));
      assert.ok(!leaks(problems.messages));
    });

    it('W&B: files/media linked to ~/.ssh is not listed and a linked output.log is not read', async () => {
      const s = sandbox();
      const dir = path.join(s.root, 'wandb', 'run-20240101_000000-abc123');
      s.write('wandb/run-20240101_000000-abc123/files/config.yaml', 'lr:\n  value: 0.1\n');
      s.link('wandb/run-20240101_000000-abc123/files/media', s.secretDir);
      s.link('wandb/run-20240101_000000-abc123/files/output.log', s.secretFile);
      const problems = new ProblemList();
      const run = await readWandbRun(s.root, dir, problems, LONG_AGO);
      assert.ok(run);
      assert.deepStrictEqual(run.artifacts, []);
      assert.ok(!leaks(run));
      assert.ok(!leaks(problems.messages));
    });

    it('DVCLive: plots/images linked outside is not listed, params.yaml linked outside is not read', async () => {
      const s = sandbox();
      s.write('dvclive/metrics.json', '{"acc": 0.5}\n');
      s.link('dvclive/plots/images', s.secretDir);
      s.link('dvclive/params.yaml', s.secretFile);
      const run = await readDvclive(s.root, 'dvclive', new ProblemList(), LONG_AGO);
      assert.deepStrictEqual(run.artifacts, []);
      assert.ok(!leaks(run));
    });
  });

  describe('other trackers', () => {
    it('TensorBoard: an hparams.yaml linked outside is not read', async () => {
      const s = sandbox();
      s.write('tb/run/events.out.tfevents.1700000000.host', Buffer.concat([fileVersionEvent(1_700_000_000), ...scalarEvents('loss', [[0, 1]])]));
      fs.writeFileSync(s.secretFile, `${SECRET}: 1\n: bad yaml ${SECRET}\n`);
      s.link('tb/run/hparams.yaml', s.secretFile);
      const problems = new ProblemList();
      const run = await new TensorBoardRunReader(s.root, path.join(s.root, 'tb', 'run'), problems).read(LONG_AGO);
      assert.ok(run);
      assert.ok(!leaks(run));
      assert.ok(!leaks(problems.messages));
    });

    it('SwanLab: a backup.swanlab linked outside is not read, and the message names it', async () => {
      const s = sandbox();
      fs.mkdirSync(path.join(s.root, 'swanlog', 'run-20240101_000000-abc'), { recursive: true });
      s.link('swanlog/run-20240101_000000-abc/backup.swanlab', s.secretLog);
      const problems = new ProblemList();
      const runs = await readSwanlab(await loadSql(), s.root, 'swanlog', problems, LONG_AGO);
      assert.ok(!leaks(runs));
      assert.ok(!leaks(problems.messages));
      assert.ok(problems.messages.some((m) => m.includes('swanlog/run-20240101_000000-abc/backup.swanlab') && /outside/.test(m)), problems.messages.join('\n'));
    });

    it('a folder in labbook.import.folders that links outside is not searched', async () => {
      const s = sandbox();
      const store = path.join(s.outside, 'data', 'mlruns');
      fs.mkdirSync(path.join(store, '1', 'abc', 'params'), { recursive: true });
      fs.writeFileSync(path.join(store, '1', 'meta.yaml'), `experiment_id: '1'\nlifecycle_stage: active\nname: ${SECRET}\n`);
      fs.writeFileSync(path.join(store, '1', 'abc', 'meta.yaml'), `run_id: abc\nrun_name: ${SECRET}\nexperiment_id: '1'\nstatus: 3\nlifecycle_stage: active\n`);
      fs.writeFileSync(path.join(store, '1', 'abc', 'params', 'key'), SECRET);
      s.link('data', path.join(s.outside, 'data'));
      const ws = await workspace({ root: s.root });
      const said: string[] = [];
      const finders = importFinders(await loadSql(), { searchWorkspace: false, folders: [path.join(s.root, 'data')], report: (m) => said.push(m) });
      await new ImportIndex(ws.store, s.root, finders, ws.problems).sync(true);
      await new ImportIndex(ws.store, s.root, finders, ws.problems).sync(true);
      assert.deepStrictEqual(ws.store.listRuns(), []);
      // Said once (not at every discovery), naming the folder.
      assert.strictEqual(said.filter((m) => m.includes('labbook.import.folders') && m.includes('data') && /outside/.test(m)).length, 1, said.join('\n'));
    });
  });

  describe('the index folder (.labbook)', () => {
    it('a .labbook that links elsewhere gets no .gitignore and no extracted image, and is reported', async () => {
      const s = sandbox();
      const elsewhere = path.join(s.outside, 'elsewhere');
      fs.mkdirSync(elsewhere);
      s.link('.labbook', elsewhere);
      const problems = new ProblemList();
      (await openWorkspaceIndex(await loadSql(), s.root, problems)).store.close();
      await assert.rejects(writeFileInside(s.root, path.join(s.root, '.labbook', 'images', 'abc', 'x.png'), png(1, 1, () => [0, 0, 0])), /\.labbook is a link/);
      assert.deepStrictEqual(fs.readdirSync(elsewhere), []);
      assert.ok(problems.messages.some((m) => m.includes('.labbook') && /link/.test(m)), problems.messages.join('\n'));
    });

    it('a .labbook folder of its own gets its .gitignore (control)', async () => {
      const s = sandbox();
      const problems = new ProblemList();
      (await openWorkspaceIndex(await loadSql(), s.root, problems)).store.close();
      assert.match(fs.readFileSync(path.join(s.root, '.labbook', '.gitignore'), 'utf8'), /^\*$/m);
      assert.deepStrictEqual(problems.messages, []);
    });
  });

  describe('folder walks', () => {
    it('a walk started in a folder that links outside lists nothing when told the workspace', async () => {
      const s = sandbox();
      s.link('linked', s.secretDir);
      const files: string[] = [];
      await walkFolders(path.join(s.root, 'linked'), { inside: s.root, maxDepth: 4, file: (f) => void files.push(f) });
      assert.deepStrictEqual(files, []);
    });

    it('links inside a walk are never entered, so a link cycle ends (regression)', async () => {
      const s = sandbox();
      s.write('a/b/f.txt', 'x');
      s.link('a/b/loop', path.join(s.root, 'a'));
      s.link('a/out', s.secretDir);
      const files: string[] = [];
      await walkFolders(s.root, { inside: s.root, maxDepth: 64, file: (f) => void files.push(path.relative(s.root, f)) });
      assert.deepStrictEqual(files, [path.join('a', 'b', 'f.txt')]);
    });

    it('a workspace folder opened through a link is walked (only what is below it is judged) (control)', async () => {
      const s = sandbox();
      s.write('labbook/r/events.jsonl', JSON.stringify(header('r')) + '\n');
      const alias = path.join(path.dirname(s.root), 'alias');
      fs.symlinkSync(s.root, alias);
      const ws = await workspace({ root: alias });
      await ws.indexer.sync();
      assert.ok(ws.store.getRun('r'));
      assert.deepStrictEqual(ws.problems.messages, []);
    });
  });
});

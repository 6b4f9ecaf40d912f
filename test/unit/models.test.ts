// The Models view's reader: Labbook's registry as the real Python SDK writes it (three runs trained,
// best_run, register_model, aliases), alias records written from TypeScript and read back by the
// SDK, and MLflow's registries (file store written after MLflow's FileStore; a real mlflow.db).
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseVersions, readLabbookModels, setLabbookAlias } from '../../src/core/models/labbookRegistry';
import { readMlflowFileRegistry, readMlflowSqliteRegistry } from '../../src/core/models/mlflowRegistry';
import { readModels } from '../../src/core/models/readModels';
import { aliasError } from '../../src/core/models/model';
import { isOutsideError } from '../../src/core/safePath';
import { loadSql, tempDir, trackerFixtures } from './support/helpers';

const REPO = process.cwd();
const SDK_PYTHON = path.join(REPO, 'sdk', 'python');
const PYTHON = process.env.LABBOOK_TEST_PYTHON ?? 'python3';
const quiet = { report: () => undefined };

function python(cwd: string, source: string): string {
  const r = spawnSync(PYTHON, ['-c', source], {
    cwd,
    env: { ...process.env, PYTHONPATH: SDK_PYTHON, LABBOOK_DIR: path.join(cwd, 'labbook'), LABBOOK_CAPTURE_ENV: '0', LABBOOK_CAPTURE_CONSOLE: '0', LABBOOK_CAPTURE_SYSTEM: '0' },
    encoding: 'utf8',
    timeout: 60000,
  });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const TRAIN = `
import os, labbook
for name, accs in [("r1", [0.5, 0.7]), ("r2", [0.6, 0.9]), ("r3", [0.8, 0.85])]:
    run = labbook.init(project="mnist", name=name, config={"lr": 0.1})
    for step, acc in enumerate(accs):
        run.log({"val/acc": acc}, step=step)
    os.makedirs("out-" + name)
    with open(os.path.join("out-" + name, "weights.pt"), "wb") as f:
        f.write(name.encode() * 100)
    run.log_artifact(os.path.join("out-" + name, "weights.pt"), artifact_path="model")
    run.finish()
best = labbook.best_run("mnist", "val/acc")
labbook.register_model("mnist-cnn", run=best, artifact_path="model/weights.pt", aliases=["champion"], description="best of three")
other = labbook.search_runs('name = "r3"')[0]
labbook.register_model("mnist-cnn", run=other, artifact_path="model/weights.pt", aliases=["challenger"])
print(best.id + " " + other.id)
`;

describe('model registry reader', () => {
  let root: string;
  let ids: string[];

  before(function () {
    this.timeout(60000);
    root = tempDir('labbook-models-');
    ids = python(root, TRAIN).split(' ');
  });

  it('reads the versions, aliases, runs and artifacts the Python SDK registered', async () => {
    const [model] = await readLabbookModels(root, 'labbook', quiet);
    assert.strictEqual(model.name, 'mnist-cnn');
    assert.deepStrictEqual(model.aliases, { champion: 1, challenger: 2 });
    assert.deepStrictEqual(model.versions.map((v) => [v.version, v.runUid, v.aliases]), [
      [1, ids[0], ['champion']],
      [2, ids[1], ['challenger']],
    ]);
    const v1 = model.versions[0];
    assert.strictEqual(v1.description, 'best of three');
    assert.strictEqual(v1.metrics['val/acc'], 0.9);
    assert.strictEqual(v1.artifact, 'model/weights.pt');
    assert.match(v1.path!, /^labbook\/run-[^/]+\/artifacts\/model\/weights\.pt$/);
    assert.strictEqual(fs.readFileSync(path.join(root, v1.path!), 'utf8'), 'r2'.repeat(100));
    assert.match(v1.sha256!, /^[0-9a-f]{64}$/);
  });

  it('moves an alias with one appended record, which the SDK then loads by', async () => {
    const [model] = await readLabbookModels(root, 'labbook', quiet);
    const file = path.join(root, 'labbook', '_models', 'mnist-cnn', 'versions.jsonl');
    const before = fs.readFileSync(file, 'utf8');
    await setLabbookAlias(root, model, 'champion', 2);
    const after = fs.readFileSync(file, 'utf8');
    assert.ok(after.startsWith(before));
    assert.strictEqual(JSON.parse(after.slice(before.length)).alias, 'champion');
    const [moved] = await readLabbookModels(root, 'labbook', quiet);
    assert.deepStrictEqual(moved.aliases, { champion: 2, challenger: 2 });
    const loaded = python(root, 'import labbook; v = labbook.get_model("mnist-cnn", alias="champion"); print(v.version, open(v.path).read()[:2])');
    assert.strictEqual(loaded, '2 r3');
  });

  it('refuses bad aliases, unknown versions, MLflow models and links', async () => {
    const [model] = await readLabbookModels(root, 'labbook', quiet);
    await assert.rejects(setLabbookAlias(root, model, 'latest', 1), /reserved/);
    await assert.rejects(setLabbookAlias(root, model, 'two words', 1), /alias/);
    await assert.rejects(setLabbookAlias(root, model, 'ok', 9), /no version 9/);
    await assert.rejects(setLabbookAlias(root, { ...model, source: 'mlflow', writable: false }, 'ok', 1), /MLflow/);
    const outside = path.join(tempDir('labbook-outside-'), 'target.jsonl');
    fs.writeFileSync(outside, 'keep\n');
    const file = path.join(root, 'labbook', '_models', 'mnist-cnn', 'versions.jsonl');
    const saved = fs.readFileSync(file);
    fs.rmSync(file);
    fs.symlinkSync(outside, file);
    try {
      await assert.rejects(setLabbookAlias(root, model, 'champion', 1), (e) => isOutsideError(e));
      assert.strictEqual(fs.readFileSync(outside, 'utf8'), 'keep\n');
      // A versions file that leads out of the workspace is not read either.
      assert.deepStrictEqual(await readLabbookModels(root, 'labbook', quiet), []);
    } finally {
      fs.rmSync(file);
      fs.writeFileSync(file, saved);
    }
  });

  it('skips bad lines, leaves a torn last line, ignores paths leaving the log root', () => {
    const text = [
      '{"t":"version","version":1,"run_id":"a","run_path":"run-a","path":"run-a/artifacts/m.pt"}',
      'not json',
      '{"t":"version","version":2,"run_id":"b","run_path":"run-b","path":"../../etc/passwd"}',
      '{"t":"alias","alias":"champion","version":1}',
      '{"t":"alias","alias":"ghost","version":7}',
      '{"t":"version","version":1,"run_id":"dup","run_path":"x","path":"x"}',
      '{"t":"alias","alias":"champion","version":2}',
      '{"t":"alias","alias":"champion","version":null',
    ].join('\n');
    const { versions, aliases, bad } = parseVersions(text, 'labbook');
    assert.deepStrictEqual(bad, [2]);
    assert.deepStrictEqual(versions.map((v) => [v.version, v.runId, v.path]), [
      [1, 'a', 'labbook/run-a/artifacts/m.pt'],
      [2, 'b', undefined],
    ]);
    assert.deepStrictEqual(aliases, { champion: 2 });
  });

  it('checks aliases as the SDK does', () => {
    assert.strictEqual(aliasError('champion'), undefined);
    assert.match(aliasError('v3')!, /reserved/);
    assert.match(aliasError('9lives')!, /letter/);
  });
});

describe("MLflow's registered models", () => {
  it('reads a file store registry: aliases, stages, deleted versions, runs:/ sources', async () => {
    const root = path.join(REPO, 'test', 'fixtures', 'models', 'mlflow-file-registry');
    const [model] = await readMlflowFileRegistry(root, path.join(root, 'mlruns'), quiet);
    assert.strictEqual(model.name, 'iris-classifier');
    assert.strictEqual(model.writable, false);
    assert.strictEqual(model.description, 'Iris species from petal and sepal sizes');
    assert.deepStrictEqual(model.aliases, { champion: 2 });
    assert.deepStrictEqual(model.versions.map((v) => [v.version, v.stage, v.aliases, v.runUid, v.path]), [
      [1, 'Archived', [], 'mlflow:mlruns/1/5f2d3c4b1a0e4f6a8b9c7d6e5f4a3b2c', 'mlruns/1/5f2d3c4b1a0e4f6a8b9c7d6e5f4a3b2c/artifacts/model'],
      [2, undefined, ['champion'], 'mlflow:mlruns/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9', 'mlruns/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts/model'],
    ]);
    assert.strictEqual(model.versions[1].description, 'retrained on the full set');
  });

  it('reads the registry tables of a real mlflow.db (before aliases existed)', async () => {
    const root = trackerFixtures('mlflow-sqlite', 'zoomcamp-official');
    const db = path.join(root, '02-experiment-tracking', 'mlflow.db');
    const [model, ...more] = await readMlflowSqliteRegistry(await loadSql(), root, db, quiet);
    assert.strictEqual(more.length, 0);
    assert.strictEqual(model.name, 'nyc-taxi-regressor');
    assert.strictEqual(model.description, 'The NYC Taxi Predictor for trip duration');
    assert.deepStrictEqual(model.versions.map((v) => [v.version, v.stage, v.runUid]), [
      [1, 'Staging', 'mlflow:02-experiment-tracking/mlflow.db/b72e6dbe671840aea38aae813ee9dd9e'],
      [2, 'Production', 'mlflow:02-experiment-tracking/mlflow.db/b72e6dbe671840aea38aae813ee9dd9e'],
    ]);
    assert.strictEqual(model.versions[1].artifact, './mlruns/1/b72e6dbe671840aea38aae813ee9dd9e/artifacts/model');
  });

  it('reads aliases from registered_model_aliases and skips deleted versions', async () => {
    const SQL = await loadSql();
    const root = tempDir('labbook-mlflow-aliases-');
    const src = new SQL.Database(fs.readFileSync(path.join(trackerFixtures('mlflow-sqlite', 'zoomcamp-official'), '02-experiment-tracking', 'mlflow.db')));
    // The table as MLflow's migration 3500859a5d39 creates it.
    src.run('CREATE TABLE registered_model_aliases (alias VARCHAR(256) NOT NULL, version INTEGER NOT NULL, name VARCHAR(256) NOT NULL, PRIMARY KEY (name, alias))');
    src.run("INSERT INTO registered_model_aliases VALUES ('champion', 2, 'nyc-taxi-regressor')");
    src.run("UPDATE model_versions SET current_stage = 'Deleted_Internal' WHERE version = 1");
    fs.writeFileSync(path.join(root, 'mlflow.db'), src.export());
    src.close();
    const [model] = await readMlflowSqliteRegistry(SQL, root, path.join(root, 'mlflow.db'), quiet);
    assert.deepStrictEqual(model.aliases, { champion: 2 });
    assert.deepStrictEqual(model.versions.map((v) => [v.version, v.aliases]), [[2, ['champion']]]);
    // and all registries of a workspace together
    const all = await readModels(SQL, root, 'labbook', quiet);
    assert.deepStrictEqual(all.map((m) => [m.source, m.name]), [['mlflow', 'nyc-taxi-regressor']]);
  });
});

describe('Models view contributions', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    contributes: { views: Record<string, Array<{ id: string }>>; menus: Record<string, Array<{ command: string; when?: string }>>; commands: Array<{ command: string }> };
  };

  it('puts the Models view in the Labbook container, after Experiments', () => {
    assert.deepStrictEqual(pkg.contributes.views.labbook.map((v) => v.id).slice(0, 2), ['labbook.experiments', 'labbook.models']);
  });

  it('offers the alias command (which writes) only in a trusted workspace, and only on Labbook versions', () => {
    const writes = Object.values(pkg.contributes.menus).flat().filter((m) => m.command === 'labbook.setModelAlias');
    assert.ok(writes.length >= 2);
    for (const m of writes) assert.match(m.when ?? '', /isWorkspaceTrusted/);
    for (const m of pkg.contributes.menus['view/item/context'].filter((x) => x.command === 'labbook.setModelAlias')) assert.match(m.when ?? '', /modelVersion\\\.labbook/);
    for (const id of ['labbook.setModelAlias', 'labbook.openModelRun', 'labbook.revealModelArtifact', 'labbook.refreshModels']) {
      assert.ok(pkg.contributes.commands.some((c) => c.command === id), `${id} is declared`);
    }
  });
});

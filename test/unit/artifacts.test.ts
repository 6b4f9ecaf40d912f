import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { locateArtifact, readArtifactImage } from '../../src/core/artifacts';
import { embeddedPath } from '../../src/core/importers/embedded';
import { imageGroups, isImageName } from '../../webview-ui/shared/imageGroups';
import { isRunPanelToHost } from '../../src/protocol/runPanel';
import { tempDir } from './support/helpers';
import { png } from './support/png';

const a = (name: string, p = name) => ({ path: p, name });

describe('artifacts: where they are, and their images', () => {
  it('resolves a Labbook run artifact inside its folder, an imported one inside the workspace, and refuses paths that leave', () => {
    const root = tempDir('labbook-art-');
    const native = { folder: 'labbook/run-1', source: 'labbook' };
    const imported = { folder: 'mlruns/0/abc', source: 'mlflow' };
    assert.deepStrictEqual(locateArtifact(root, native, 'artifacts/model.pt'), { kind: 'file', file: path.join(root, 'labbook', 'run-1', 'artifacts', 'model.pt') });
    assert.deepStrictEqual(locateArtifact(root, imported, 'mlruns/0/abc/artifacts/x.txt'), { kind: 'file', file: path.join(root, 'mlruns', '0', 'abc', 'artifacts', 'x.txt') });
    for (const bad of ['../x', '/etc/passwd', 'a/../../x', 'C:/x']) {
      assert.strictEqual(locateArtifact(root, native, bad), undefined, bad);
      assert.strictEqual(locateArtifact(root, imported, bad), undefined, bad);
    }
    const ref = { file: 'runs/a/events.out.tfevents.1', offset: 10, length: 20, ext: 'png' as const };
    assert.deepStrictEqual(locateArtifact(root, { folder: 'runs/a', source: 'tensorboard' }, embeddedPath(ref)), { kind: 'embedded', ref });
    assert.strictEqual(locateArtifact(root, { folder: 'runs/a', source: 'tensorboard' }, embeddedPath({ ...ref, file: '../../etc/x' })), undefined);
    assert.strictEqual(locateArtifact(root, native, embeddedPath(ref))?.kind, 'file', 'a Labbook run has no embedded artifacts');
  });

  it('reads an image artifact checked by its signature, and refuses what is no image or too big', async () => {
    const root = tempDir('labbook-art-');
    const run = { folder: 'labbook/run-1', source: 'labbook' };
    const dir = path.join(root, 'labbook', 'run-1', 'artifacts');
    fs.mkdirSync(dir, { recursive: true });
    const picture = png(3, 2, (x, y) => [x * 80, y * 100, 50]);
    fs.writeFileSync(path.join(dir, 'ok.png'), picture);
    fs.writeFileSync(path.join(dir, 'fake.png'), '<svg onload="alert(1)"/>');
    const big = path.join(dir, 'big.png');
    fs.writeFileSync(big, Buffer.concat([picture, Buffer.alloc(9 * 1024 * 1024)]));
    const got = await readArtifactImage(root, run, 'artifacts/ok.png');
    assert.strictEqual(got.mime, 'image/png');
    assert.ok(got.bytes.equals(picture));
    await assert.rejects(readArtifactImage(root, run, 'artifacts/fake.png'), /not a PNG, JPEG/);
    await assert.rejects(readArtifactImage(root, run, 'artifacts/big.png'), /too big/);
    await assert.rejects(readArtifactImage(root, run, 'artifacts/missing.png'), /ENOENT/);
    await assert.rejects(readArtifactImage(root, run, '../../x.png'), /leaves the workspace/);
  });

  it('groups image artifacts into series by step: TensorBoard, W&B media, <tag>/<n>, <tag>_<n>; a lone numbered file stays alone', () => {
    const groups = imageGroups([
      a('images/samples/step_10.png', 'embedded:png:1:2:f'),
      a('images/samples/step_2.png', 'embedded:png:3:4:f'),
      a('images/batch/step_5_0.png'),
      a('images/batch/step_5_1.png'),
      a('media/images/preds_4_3f2a9c1d.png'),
      a('media/images/preds_12_aa00ff11.png'),
      a('plots/images/confusion/1.png'),
      a('plots/images/confusion/0.png'),
      a('resnet-50.png'),
      a('model.pt'),
      a('notes.md'),
      a('Photo.JPG'),
    ]);
    assert.deepStrictEqual(groups.map((g) => [g.key, g.entries.map((e) => e.step)]), [
      ['batch #0', [5]],
      ['batch #1', [5]],
      ['Photo.JPG', [null]],
      ['plots/images/confusion', [0, 1]],
      ['preds', [4, 12]],
      ['resnet-50.png', [null]],
      ['samples', [2, 10]],
    ]);
    assert.strictEqual(groups.find((g) => g.key === 'samples')!.entries[0].path, 'embedded:png:3:4:f', 'paths are kept for getImage');
    assert.strictEqual(imageGroups([{ path: 'p', name: 'images/a/step_1.png', caption: 'epoch 1' }])[0].entries[0].caption, 'epoch 1');
    assert.ok(isImageName('x.webp') && !isImageName('x.svg') && !isImageName('png'));
  });

  it('accepts getImage only with an integer request id and a path', () => {
    assert.ok(isRunPanelToHost({ type: 'getImage', requestId: 3, path: 'a.png' }));
    assert.ok(!isRunPanelToHost({ type: 'getImage', requestId: '3', path: 'a.png' }));
    assert.ok(!isRunPanelToHost({ type: 'getImage', requestId: 1.5, path: 'a.png' }));
    assert.ok(!isRunPanelToHost({ type: 'getImage', requestId: 1 }));
  });
});

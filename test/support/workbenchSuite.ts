// The life of an e2e spec's workbench: a workspace folder, code-server on it, Chromium, the workbench
// page; on failure a screenshot and the server's logs; at the end everything stopped and removed.
// A spec calls workbenchSuite() at the top of its describe(), which registers the mocha hooks.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createTestWorkspace } from '../integration/workspace';
import { launchBrowser, openWorkbench, screenshot } from './browser';
import { startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';
import { resultsDir } from './paths';

export interface WorkbenchSuiteOptions {
  /** Names the spec's temp folder (labbook-e2e-<name>-), code-server and console logs (e2e-<name>) and failure screenshots. */
  name: string;
  /** Start from the seeded test workspace (one finished run) rather than an empty folder. */
  seeded?: boolean;
  /** An existing folder to open instead of a new temp one; it is kept at the end. */
  folder?: string;
  /** Writes what the spec needs into the workspace before code-server starts. */
  prepare?: (workspace: string) => void | Promise<void>;
  /** Workbench settings and extensions beside Labbook. */
  server?: Pick<CodeServerOptions, 'settings' | 'extraExtensions'>;
  /** Open the workbench before the tests (default); false: a test opens it with open(). */
  openFirst?: boolean;
  /** Runs first when the suite ends, e.g. to stop a run writer. */
  teardown?: () => void;
}

export interface WorkbenchSuite {
  readonly workspace: string;
  readonly server: CodeServer;
  /** For a spec that opens more windows on the same server. */
  readonly browser: Browser;
  /** The workbench page once opened. */
  readonly page: Page;
  /** Opens the workbench (once) and gives its page. */
  open(): Promise<Page>;
}

export function workbenchSuite(options: WorkbenchSuiteOptions): WorkbenchSuite {
  const tag = `e2e-${options.name}`;
  let workspace = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let ready = false;
  let failed = false;

  const suite: WorkbenchSuite = {
    get workspace() {
      return workspace;
    },
    get server() {
      if (!server) throw new Error('code-server has not started');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('Chromium has not started');
      return browser;
    },
    get page() {
      if (!page) throw new Error('the workbench is not open');
      return page;
    },
    async open() {
      if (!page) ({ page } = await openWorkbench(suite.browser, suite.server.url, tag));
      return page;
    },
  };

  before(async function () {
    this.timeout(180_000);
    workspace = options.folder ?? (options.seeded ? createTestWorkspace(`labbook-e2e-${options.name}-`) : fs.mkdtempSync(path.join(os.tmpdir(), `labbook-e2e-${options.name}-`)));
    await options.prepare?.(workspace);
    server = await startCodeServer({ workspace, tag: `${tag}-code-server`, ...options.server });
    browser = await launchBrowser();
    if (options.openFirst !== false) await suite.open();
    ready = true;
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    const slug = (this.currentTest.title || 'test').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    if (page) await screenshot(page, `failure-${options.name}-${slug}`).catch(() => undefined);
  });

  after(async function () {
    options.teardown?.();
    if (failed || !ready) server?.collectLogs(path.join(resultsDir, 'logs', tag));
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workspace && !options.folder && process.env.LABBOOK_KEEP_TMP !== '1') fs.rmSync(workspace, { recursive: true, force: true });
  });

  return suite;
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Frame, type Page, type FrameLocator, type Locator } from 'playwright-core';
import { chromiumPath, resultsDir, screenshotsDir } from './paths';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: run bash scripts/tools/ensure-chromium.sh or set LABBOOK_CHROMIUM`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

export interface Workbench {
  context: BrowserContext;
  page: Page;
}

/**
 * Opens the workbench at `url` and waits until it is usable. Browser console output goes to
 * test-results/logs/<tag>-console.log.
 */
export async function openWorkbench(browser: Browser, url: string, tag = 'workbench'): Promise<Workbench> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const logsDir = path.join(resultsDir, 'logs');
  fs.mkdirSync(logsDir, { recursive: true });
  const consoleLog = path.join(logsDir, `${tag}-console.log`);
  fs.writeFileSync(consoleLog, '');
  page.on('console', (msg) => fs.appendFileSync(consoleLog, `[${msg.type()}] ${msg.text()}\n`));
  page.on('pageerror', (err) => fs.appendFileSync(consoleLog, `[pageerror] ${err.message}\n`));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.activitybar').first().waitFor({ state: 'visible', timeout: 60_000 });
  return { context, page };
}

/** Runs a command through the command palette (F1), by its title as shown there. */
export async function runCommandFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Clicks the activity-bar entry of a view container (by its title, e.g. "Labbook"). */
export async function openViewContainer(page: Page, title: string): Promise<void> {
  const item = page.locator(`.activitybar .action-item a.action-label[aria-label^="${title}"]`).first();
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  // Only click when not already the active container (a click on the active one closes the side bar).
  const checked = await item.evaluate((el) => el.closest('.action-item')?.classList.contains('checked') ?? false);
  if (!checked) await item.click();
}

/**
 * A tree view by its name (e.g. "Experiments"). Matched on the tree's aria-label, because a view
 * container with a single view merges the view's header into the container title ("Labbook: Experiments").
 */
export function treeView(page: Page, name: string): Locator {
  return page.locator(`.monaco-list[role="tree"][aria-label="${name}"]`).first();
}

/** The row of a tree whose label is exactly `label` (the description after it is ignored). */
export function treeRow(tree: Locator, label: string): Locator {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return tree.locator('.monaco-list-row[role="treeitem"]', { has: tree.page().locator('.label-name', { hasText: exact }) }).first();
}

/** An editor tab by its title. */
export function editorTab(page: Page, title: string): Locator {
  return page.locator(`.tabs-container .tab[role="tab"][aria-label^="${title}"]`).first();
}

/**
 * The content document of the visible webview whose editor tab is active. VS Code hosts each
 * webview in an outer iframe (class "webview") with the content in an inner iframe (#active-frame).
 */
export function activeWebview(page: Page): FrameLocator {
  return page.locator('iframe.webview.ready:visible').first().contentFrame().locator('iframe#active-frame').contentFrame();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotsDir, { recursive: true });
  const file = path.join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Polls `probe` until it gives a value (not undefined or false), or fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The webview frame (of any editor group) that shows `selector`. */
export async function frameShowing(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  return until(`a webview showing ${selector}`, async () => {
    for (const f of page.frames()) if ((await f.locator(selector).count().catch(() => 0)) > 0) return f;
    return undefined;
  }, timeoutMs);
}

/** Expands a collapsed tree row (experiment node). */
export async function expand(row: Locator): Promise<void> {
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  await until('row expanded', async () => (await row.getAttribute('aria-expanded')) !== 'false', 10_000);
}

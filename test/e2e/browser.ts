import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Launching Debian's Chromium for the browser tests, in one place: the flags that keep it
 * quiet and offline, a fresh profile per page (no state leaks between tests), page errors
 * collected so a test can assert the window raised none, and screenshots kept as artifacts.
 */
const CHROMIUM_PATH = process.env.LOCKSTEP_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught exceptions and console errors of the page, in order. */
  readonly errors: string[];
  /** Closes the context, and the browser too when openPage launched it. */
  close(): Promise<void>;
}

export interface OpenPageOptions {
  /** Reuse a browser (one per test file is cheaper); otherwise one is launched and owned. */
  readonly browser?: Browser;
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Use a persistent profile in a fresh temporary directory (localStorage survives reloads of it). */
  readonly persistent?: boolean;
}

export async function openPage(url: string, options: OpenPageOptions = {}): Promise<OpenedPage> {
  const viewport = options.viewport ?? { width: 1600, height: 1000 };
  let browser: Browser;
  let context: BrowserContext;
  let ownsBrowser = false;
  let profileDir: string | null = null;
  if (options.persistent) {
    profileDir = mkdtempSync(join(tmpdir(), 'lockstep-ui-profile-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      viewport,
    });
    browser = context.browser() as Browser;
  } else {
    browser = options.browser ?? (await launchBrowser());
    ownsBrowser = options.browser === undefined;
    context = await browser.newContext({ viewport });
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  return {
    browser,
    context,
    page,
    errors,
    async close() {
      await context.close();
      if (ownsBrowser) await browser.close();
      if (profileDir !== null) rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Where screenshots of the main states are kept (test-results/ is git-ignored). */
export const SCREENSHOT_DIR = resolve(__dirname, '..', '..', '..', 'test-results', 'screenshots');

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Polls `condition` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

/**
 * Real Chromium for end-to-end tests: Debian's chromium driven by playwright-core.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** The Chromium binary: Debian's package unless CHROMIUM_PATH says otherwise. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, offline headless Chromium (root needs --no-sandbox). */
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

/** Where failure screenshots go. */
export const screenshotDir = path.resolve(import.meta.dirname, '..', 'artifacts', 'screenshots');

/** Launch headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

function screenshotPath(testName: string): string {
  const safe = testName
    .replace(/[^a-z0-9-]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  return path.join(screenshotDir, `${safe || 'test'}.png`);
}

/**
 * Run `body` with a page in a fresh headless Chromium; when it throws, save a screenshot named
 * after `testName` in test/artifacts/screenshots first. The browser is closed before this returns,
 * so the after-each leak check sees no Chromium process.
 */
export async function withPage<T>(testName: string, body: (page: Page) => Promise<T>): Promise<T> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    try {
      return await body(page);
    } catch (error) {
      mkdirSync(screenshotDir, { recursive: true });
      const file = screenshotPath(testName);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      process.stderr.write(`screenshot of the failed test: ${file}\n`);
      throw error;
    }
  } finally {
    await browser.close();
  }
}

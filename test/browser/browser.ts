/**
 * The one browser launcher of the browser tests: headless Chromium driven by playwright-core. The Chromium is
 * Debian's /usr/bin/chromium when installed, otherwise the one @sparticuz/chromium ships inside its npm package
 * (so `npm ci` brings it: no apt, no download).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

const run = promisify(execFile);

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
/** test-output/ is git-ignored */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-output', 'screenshots');

interface ChromiumBinary {
  executablePath: string;
  args: string[];
  env?: Record<string, string>;
}

/* @sparticuz/chromium is an ES module, which jest's CommonJS runtime cannot load: a short node child loads it.
 * It extracts the binary to the temp folder once (about 7 s), then returns at once. The package also ships the
 * few shared libraries the binary needs beyond glibc (NSS, NSPR, expat: packages libnss3 and libexpat1, which a
 * bare Debian lacks) and its fonts; they are extracted next to it and put first on the library and font paths, so
 * the same bits run on every machine. */
const SPARTICUZ_PROBE = `
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import sc, { inflate } from '@sparticuz/chromium';
sc.setGraphicsMode = false;
const bin = join(dirname(createRequire(process.cwd() + '/').resolve('@sparticuz/chromium')), '..', 'bin');
const executablePath = await sc.executablePath(bin);
const libDir = join(await inflate(join(bin, 'al2023.tar.br')), 'lib');
const fontDir = await inflate(join(bin, 'fonts.tar.br'));
console.log(JSON.stringify({ executablePath, args: sc.args, libDir, fontDir }));
`;

/** The charts are 2D canvases: software rasterizing them takes about half the CPU of the emulated GPU
 * (SwiftShader) that @sparticuz/chromium turns on by default, and the browser tests share a 2-core machine. */
const NO_GPU = ['--disable-gpu'];

async function sparticuzChromium(): Promise<ChromiumBinary> {
  const root = join(__dirname, '..', '..');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SPARTICUZ_PROBE], { cwd: root, timeout: 60_000 });
  const found = JSON.parse(stdout) as { executablePath: string; args: string[]; libDir: string; fontDir: string };
  const libraryPath = [found.libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  // --single-process suits Lambda, but there closing one browser context takes the whole browser down
  const args = [...found.args.filter((a) => a !== '--single-process'), ...NO_GPU];
  // FONTCONFIG_PATH: the fonts it ships (Open Sans), the same on every machine (a bare one has none)
  return { executablePath: found.executablePath, args, env: { LD_LIBRARY_PATH: libraryPath, FONTCONFIG_PATH: found.fontDir } };
}

async function chromiumBinary(): Promise<ChromiumBinary> {
  // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start
  if (existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, args: ['--no-sandbox', ...NO_GPU] };
  return sparticuzChromium();
}

export async function launchBrowser(): Promise<Browser> {
  const binary = await chromiumBinary();
  return chromium.launch({
    executablePath: binary.executablePath,
    args: binary.args,
    headless: true,
    ...(binary.env ? { env: { ...process.env, ...binary.env } } : {}),
  });
}

/** A page of its own context at the given viewport, and the console errors and uncaught page errors it reports
 * (read `errors` after the page settled). */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return { page, errors, close: () => context.close() };
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

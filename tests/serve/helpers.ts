import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { rebuild } from '../../src/index.js';
import { startServer, type Server } from '../../src/serve/index.js';
import { CORPUS, FIXTURES, ROOT, tmpDir } from '../helpers/paths.js';

export const CHROMIUM = process.env.PLANDB_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'out', 'screenshots');

export interface Site {
  server: Server;
  url: string;
  db: string;
  corrections: string;
  corpus: string;
  dir: string;
}

/** The province plan of our own making (江苏省, parent government of 昆山市 and 苏州市), as in tests/query/vertical.test.ts. */
export const PARENT_PLAN = path.join(FIXTURES, 'parent', 'jiangsu-children.txt');
export const JIANGSU = '江苏省儿童发展规划（2021—2025年）';

/** A corpus folder: the seed corpus plus the 江苏 province plan, so that plans have a parent government's plan. */
export function corpusWithParent(): string {
  const dir = tmpDir('serve-corpus');
  for (const f of readdirSync(CORPUS)) copyFileSync(path.join(CORPUS, f), path.join(dir, f));
  copyFileSync(PARENT_PLAN, path.join(dir, path.basename(PARENT_PLAN)));
  return dir;
}

/** Builds a database from `corpus` (the seed corpus by default) in a temp folder and serves it on a free loopback port. */
export async function startSite(opts: { corpus?: string; sqlTimeLimitMs?: number; sqlRowCap?: number } = {}): Promise<Site> {
  const dir = tmpDir('serve');
  const db = path.join(dir, 'plans.db');
  const corrections = path.join(dir, 'corrections');
  const corpus = opts.corpus ?? CORPUS;
  const report = await rebuild(corpus, db, { corrections });
  if (report.failed)
    throw new Error(
      `corpus failed: ${report.files
        .filter((f) => !f.ok)
        .map((f) => f.error)
        .join('; ')}`,
    );
  const server = await startServer({ db, corrections, port: 0, sqlTimeLimitMs: opts.sqlTimeLimitMs ?? 1000, sqlRowCap: opts.sqlRowCap });
  return { server, url: server.url, db, corrections, corpus, dir };
}

/** Debian's chromium driven by playwright-core (no browser download); .ci/run installs it with apt-get. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** Screenshots of the main pages go to out/screenshots (git-ignored). */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Collects script errors, failed loads and CSP violations of a page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

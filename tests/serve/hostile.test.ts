/**
 * Hostile input: plan text carrying HTML/JS, SQL in every parameter, path traversal, writes without the
 * token or from another site, runaway SQL. No script runs, no data changes, the server stays up.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, seed, SEEDS, tmpDir } from '../helpers/paths.js';
import { getJson, launchChromium, startSite, watchErrors, type Site } from './helpers.js';

let site: Site;
let browser: Browser;
let dbHash: string;
const hashDb = () => createHash('sha256').update(readFileSync(site.db)).digest('hex');
const corrections = () => (existsSync(site.corrections) ? readdirSync(site.corrections) : []);

beforeAll(async () => {
  const corpus = tmpDir('hostile-corpus');
  copyFileSync(path.join(FIXTURES, 'hostile', 'hostile-plan.txt'), path.join(corpus, 'hostile-plan.txt'));
  copyFileSync(seed(SEEDS.suzhou), path.join(corpus, `${SEEDS.suzhou}.txt`));
  site = await startSite({ corpus, sqlTimeLimitMs: 700 });
  dbHash = hashDb();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.server.close();
});

/** A raw request: the path is sent as written (fetch would normalise ../). */
function raw(method: string, p: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  const u = new URL(site.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: p, headers }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: b }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/** Attribute names starting with "on" in the tags of a page (quoted values skipped, so escaped text inside them is not counted). */
function eventAttributes(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.match(/<[a-z][a-z0-9]*(?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*\s*\/?>/gi) ?? []) {
    for (const a of tag.matchAll(/\s([^\s=>]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?/g)) if (/^on/i.test(a[1]!)) found.push(tag);
  }
  return found;
}

const PAYLOAD_MARKERS = ['<script>window', '<img src=x', '<imgsrc=x', '<svg onload', '<b onmouseover', '"><img'];

/** Every page of the hostile database (only: the pages of the units and indicators that carry a payload). */
async function hostilePages(only = false): Promise<string[]> {
  const plans = (await getJson(`${site.url}/plans.json`)).body.plans as Array<{ id: number }>;
  const bad = (s: string) => !only || /[<>"{]/.test(s);
  const units = ((await getJson(`${site.url}/units.json`)).body.units as Array<{ id: number; unit: string; body: string }>).filter((u) => bad(u.unit));
  const list = (await getJson(`${site.url}/indicators.json`)).body as { indicators: Array<{ id: string; name: string }>; unmapped: Array<{ indicator: string }> };
  // catalogue entries by id; the indicator names outside the catalogue (the payloads among them) as compare queries
  const indicators = [
    ...list.indicators.filter((i) => bad(i.name)).map((i) => i.id),
    ...[...new Set(list.unmapped.map((t) => t.indicator))].filter(bad),
  ];
  return [
    '/plans',
    ...plans.flatMap((p) => [`/plans/${p.id}`, `/plans/${p.id}/source`]),
    '/units',
    ...units.map((u) => `/units/${u.id}`),
    ...[...new Set(units.map((u) => u.body))].map((b) => `/bodies/${encodeURIComponent(b)}`),
    '/indicators',
    ...indicators.map((i) => `/indicators/${encodeURIComponent(i)}`),
    '/targets',
    `/targets?indicator=${encodeURIComponent('<img src=x onerror=alert(1)>')}`,
    `/search?q=${encodeURIComponent('<script>alert(1)</script> 婴儿')}`,
    `/search?q=${encodeURIComponent('window.__pwned')}`,
    '/gaps',
    `/sql?sql=${encodeURIComponent(`SELECT '<script>window.__pwned=99</script>' AS x, title FROM plans`)}`,
    `/units?q=${encodeURIComponent('"><script>alert(1)</script>')}`,
  ];
}

describe('plan text with HTML and JS payloads', () => {
  it('is stored as written (the fixture really carries the payloads)', async () => {
    const { body } = await getJson(`${site.url}/sql.json?sql=${encodeURIComponent("SELECT indicator FROM targets WHERE indicator LIKE '%pwned%'")}`);
    expect(body.rows.length).toBeGreaterThanOrEqual(2);
    const units = (await getJson(`${site.url}/units.json`)).body.units.map((u: any) => u.unit).join(' ');
    expect(units).toContain('<script>');
  });

  it('comes out escaped on every page: no payload tag, no event attribute, only our own scripts', async () => {
    const pages = await hostilePages();
    expect(pages.length).toBeGreaterThan(10);
    // the indicator names carrying payloads have their own pages (compare by name), and so do the units
    expect((await hostilePages(true)).filter((p) => p.startsWith('/indicators/')).length).toBeGreaterThanOrEqual(3);
    expect((await hostilePages(true)).filter((p) => p.startsWith('/units/')).length).toBeGreaterThanOrEqual(1);
    expect((await hostilePages(true)).filter((p) => p.startsWith('/bodies/')).length).toBeGreaterThanOrEqual(1);
    for (const p of pages) {
      const res = await fetch(`${site.url}${p}`);
      expect(res.status, p).toBe(200);
      const html = await res.text();
      for (const m of PAYLOAD_MARKERS) expect(html.includes(m), `${p} contains ${m}`).toBe(false);
      expect(eventAttributes(html), p).toEqual([]);
      for (const s of html.match(/<script[^>]*>/g) ?? []) expect(s, p).toMatch(/^<script (src="\/static\/[a-z.-]+"|type="application\/json" id="[a-z-]+")>$/);
    }
    // and the payload shows as text
    const hostile = (await getJson(`${site.url}/plans.json`)).body.plans.find((x: any) => x.title.startsWith('某某县'));
    const src = await (await fetch(`${site.url}/plans/${hostile.id}/source`)).text();
    expect(src).toContain('&lt;script&gt;window.__pwned=2&lt;/script&gt;');
  });

  it('runs no script in Chromium, even when every fact is opened in the panel', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    const plans = (await getJson(`${site.url}/plans.json`)).body.plans;
    const hostile = plans.find((x: any) => x.title.startsWith('某某县'));
    for (const p of await hostilePages(true)) {
      await page.goto(`${site.url}${p}`);
      if (p === `/plans/${hostile.id}/source`) {
        const marks = page.locator('mark.f');
        const n = await marks.count();
        for (let i = 0; i < n; i++) {
          await marks.nth(i).click();
          await marks.nth(i).hover();
        }
      }
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), p).toBeUndefined();
      expect(await page.locator('img[onerror], svg[onload], b[onmouseover]').count(), p).toBe(0);
    }
    expect(dialogs).toBe(0);
    expect(errors).toEqual([]);
    // the panel shows the hostile indicator as text
    const t = (await getJson(`${site.url}/plans/${hostile.id}/source.json`)).body.targets.find((x: any) => x.indicator.includes('onerror'));
    await page.goto(`${site.url}/plans/${hostile.id}/source#t${t.target_id}`);
    await expect.poll(() => page.locator('#panel dd[data-field="indicator"]').first().textContent()).toBe(t.indicator);
    await page.close();
  });
});

const SQL_PAYLOADS = [
  "1' OR '1'='1",
  '1; DROP TABLE plans; --',
  "'); DELETE FROM targets; --",
  '" OR 1=1 --',
  "%' UNION SELECT sql FROM sqlite_master --",
  '1 OR 1=1',
  '../../etc/passwd',
];

describe('SQL in every parameter', () => {
  it('is data, never SQL: 200, 400 or 404, no crash, the database unchanged', async () => {
    const routes = (v: string) => {
      const e = encodeURIComponent(v);
      return [
        `/plans/${e}`,
        `/plans/${e}/source`,
        `/units/${e}`,
        `/bodies/${e}`,
        `/indicators/${e}`,
        `/plans?region=${e}&subject=${e}&period=${e}&province=${e}`,
        `/targets?indicator=${e}`,
        `/targets?plan=${e}`,
        `/targets?unit=${e}`,
        `/targets?year=${e}`,
        `/targets?kind=${e}`,
        `/search?q=${e}`,
        `/search?q=x&plan=${e}`,
        `/search?q=x&limit=${e}`,
        `/gaps?plan=${e}`,
        `/units?q=${e}`,
        `/units/1?role=${e}`,
        `/indicators?q=${e}`,
        `/indicators?domain=${e}`,
        `/units?government=${e}&plan=${e}`,
        `/plans.csv?table=${e}`,
      ];
    };
    for (const v of SQL_PAYLOADS) {
      for (const r of routes(v)) {
        for (const url of [r, r.replace(/^(\/[^?]*)/, '$1.json')]) {
          const res = await getJson(`${site.url}${url}`);
          expect([200, 400, 404], `${url} → ${res.status}`).toContain(res.status);
          if (url.includes('.json') && res.status !== 200) expect(Object.keys(res.body)).toEqual(['error']);
        }
      }
    }
    expect(hashDb()).toBe(dbHash);
  });

  it('the SQL page refuses every statement that writes, attaches or loads', async () => {
    const outside = path.join(site.dir, 'attached.db');
    const writes = [
      'DELETE FROM plans',
      'DROP TABLE plans',
      "INSERT INTO units (canonical) VALUES ('x')",
      "UPDATE plans SET title = 'x'",
      `ATTACH DATABASE '${outside}' AS x`,
      'PRAGMA writable_schema = 1',
      'PRAGMA hard_heap_limit = 0',
      'SELECT 1; DROP TABLE plans',
      'WITH x AS (SELECT 1) DELETE FROM plans',
      `VACUUM INTO '${outside}'`,
      'CREATE TABLE t (x)',
      `SELECT load_extension('${outside}')`,
      "SELECT writefile('x', 'y')",
      '/* comment */ DELETE FROM plans',
      'BEGIN IMMEDIATE',
    ];
    for (const sql of writes) {
      const res = await getJson(`${site.url}/sql.json?sql=${encodeURIComponent(sql)}`);
      expect(res.status, sql).toBe(400);
      expect(['SQL_NOT_READ', 'SQL_ERROR'], sql).toContain(res.body.error.code);
    }
    expect(existsSync(outside)).toBe(false);
    expect(hashDb()).toBe(dbHash);
  });
});

describe('paths from URLs never reach the file system', () => {
  it('answers traversal attempts with 404 and no file content', async () => {
    const attempts = [
      '/static/../../package.json',
      '/static/..%2F..%2Fpackage.json',
      '/static/%2e%2e%2f%2e%2e%2fpackage.json',
      '/static/....//....//package.json',
      '/static/%2Fetc%2Fpasswd',
      '/static/..%5C..%5Cpackage.json',
      '/static/app.css%00.js',
      '/static/constructor',
      '/static/__proto__',
      '/static/toString',
      '/plans/..%2F..%2Fetc%2Fpasswd',
      '/indicators/..%2F..%2F..%2Fetc%2Fpasswd',
      '/bodies/..%2F..%2F..%2Fetc%2Fpasswd',
      '/plans/1/../../../etc/passwd',
      '//etc/passwd',
      '/src/serve/views/layout.eta',
      '/node_modules/chart.js/package.json',
      '/static/sql-child.mjs',
    ];
    for (const p of attempts) {
      const res = await raw('GET', p);
      expect([400, 404], `${p} → ${res.status}`).toContain(res.status);
      expect(res.body, p).not.toContain('"name": "plandb"');
      expect(res.body, p).not.toContain('root:x:0');
      expect(res.body, p).not.toContain('<% layout');
    }
    // the fixed names still work
    expect((await raw('GET', '/static/app.css')).status).toBe(200);
  });
});

describe('writes', () => {
  const url = () => `${site.url}/plans/1/review`;
  const body = JSON.stringify({ action: 'confirm', fact: 't1' });
  const origin = () => site.url;

  it('are refused without the token, with a wrong one, from another origin or site, or to another host', async () => {
    const cases: Array<[string, Record<string, string>, string | undefined, number, string]> = [
      ['no token', { 'content-type': 'application/json' }, body, 403, 'BAD_TOKEN'],
      ['wrong token', { 'content-type': 'application/json', 'x-plandb-token': 'x'.repeat(32) }, body, 403, 'BAD_TOKEN'],
      ['token in the wrong place', { 'content-type': 'application/json' }, JSON.stringify({ action: 'confirm', fact: 't1', token: site.server.token }), 403, 'BAD_TOKEN'],
      ['other origin', { 'content-type': 'application/json', 'x-plandb-token': site.server.token, origin: 'http://evil.example' }, body, 403, 'CROSS_SITE'],
      ['null origin', { 'content-type': 'application/json', 'x-plandb-token': site.server.token, origin: 'null' }, body, 403, 'CROSS_SITE'],
      ['cross-site fetch', { 'content-type': 'application/json', 'x-plandb-token': site.server.token, 'sec-fetch-site': 'cross-site' }, body, 403, 'CROSS_SITE'],
      ['same-site fetch', { 'content-type': 'application/json', 'x-plandb-token': site.server.token, 'sec-fetch-site': 'same-site' }, body, 403, 'CROSS_SITE'],
      ['form without token', { 'content-type': 'application/x-www-form-urlencoded' }, 'action=confirm&fact=t1', 403, 'BAD_TOKEN'],
      ['rebinding host', { 'content-type': 'application/json', 'x-plandb-token': site.server.token, host: 'evil.example' }, body, 421, 'BAD_HOST'],
      ['text/plain body', { 'content-type': 'text/plain', 'x-plandb-token': site.server.token }, body, 415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE'],
    ];
    for (const [name, headers, b, status, code] of cases) {
      const res = await raw('POST', '/plans/1/review', headers, b);
      expect(res.status, name).toBe(status);
      expect(JSON.parse(res.body).error.code, name).toBe(code);
    }
    expect((await raw('GET', '/plans/1/review')).status).toBe(404);
    expect(corrections()).toEqual([]);
    expect(hashDb()).toBe(dbHash);
  });

  it('from a cross-site form in Chromium are refused', async () => {
    // an attacker's page on another origin that auto-submits a form to the review endpoint
    const attacker = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<form id="f" method="POST" action="${url()}"><input name="action" value="reject"><input name="fact" value="t1"><input name="_token" value="guess"></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    const port = (attacker.address() as { port: number }).port;
    const page = await browser.newPage();
    const answer = page.waitForResponse((r) => r.url() === url());
    await page.goto(`http://localhost:${port}/`);
    expect((await answer).status()).toBe(403);
    await page.close();
    attacker.close();
    expect(corrections()).toEqual([]);
  });

  it('with the token from this server go through (the check is not vacuous) and touch only the corrections folder', async () => {
    const res = await getJson(url(), { method: 'POST', headers: { 'content-type': 'application/json', 'x-plandb-token': site.server.token, origin: origin() }, body });
    expect(res.status).toBe(200);
    expect(res.body.decision).toMatchObject({ action: 'confirm', fact: 'target' });
    expect(corrections()).toHaveLength(1);
    expect(hashDb()).toBe(dbHash);
  });
});

describe('runaway SQL', () => {
  const runaway = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

  it('is stopped at the time limit while the server keeps answering', async () => {
    const t0 = Date.now();
    const pending = getJson(`${site.url}/sql.json?sql=${encodeURIComponent(runaway)}`);
    // the server answers other pages while the query runs
    const during = await getJson(`${site.url}/plans.json`);
    expect(during.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(700);
    const res = await pending;
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('SQL_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(700 + 2500);
    // the next query runs on a fresh process
    const next = await getJson(`${site.url}/sql.json?sql=${encodeURIComponent('SELECT count(*) AS n FROM plans')}`);
    expect(next.body.rows).toEqual([{ n: 2 }]);
  });

  it('stops several at once, and a query that allocates too much fails alone', async () => {
    const many = await Promise.all([1, 2, 3].map(() => getJson(`${site.url}/sql.json?sql=${encodeURIComponent(runaway)}`)));
    expect(many.map((r) => r.body.error.code)).toEqual(['SQL_TIMEOUT', 'SQL_TIMEOUT', 'SQL_TIMEOUT']);
    const big = await getJson(`${site.url}/sql.json?sql=${encodeURIComponent('SELECT length(randomblob(600000000)) AS n')}`);
    expect(big.status).toBe(400);
    expect((await getJson(`${site.url}/plans.json`)).status).toBe(200);
    expect(hashDb()).toBe(dbHash);
  });
});

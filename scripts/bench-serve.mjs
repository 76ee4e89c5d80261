#!/usr/bin/env node
// Per-page render time of `plandb serve` on an existing database: p50 and p95 per page kind, measured on
// the server (Server-Timing: routing, queries, template, serialisation) and at the client (loopback round trip).
// Every page of a kind is visited in turn (every plan, every unit, every indicator…). Target: p95 < 50 ms per page kind
// (HTML pages and their .json/.csv twins); XLSX workbooks are listed apart, as downloads.
// On a large database each kind visits an even sample of its pages (at most SAMPLE: 25 plans of 2800).
// Usage: npx tsc -p tsconfig.json && node scripts/bench-serve.mjs [out/plans.db] [rounds] [sample]
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startServer } from '../dist/serve/index.js';

const file = process.argv[2] ?? 'out/plans.db';
const ROUNDS = Number(process.argv[3] ?? 40);
const SAMPLE = Number(process.argv[4] ?? 25);
const LIMIT_MS = 50;
/** At most SAMPLE items of `xs`, evenly spread. */
const sample = (xs) => (xs.length <= SAMPLE ? xs : Array.from({ length: SAMPLE }, (_, i) => xs[Math.floor((i * xs.length) / SAMPLE)]));
if (!existsSync(file)) {
  console.error(`bench-serve: ${file} not found; build it first: npx tsc -p tsconfig.json && node bin/plandb.js rebuild`);
  process.exit(1);
}

const server = await startServer({ db: file, port: 0, corrections: 'out/bench-corrections' });
const base = server.url;
const json = async (p) => (await fetch(base + p)).json();
// every plan, unit and body (the listings are paged: ?all=1 asks for every row)
const allPlans = (await json('/plans.json?all=1')).plans.map((p) => p.id);
const unitList = (await json('/units.json?all=1')).units;
const allUnits = unitList.map((u) => u.id);
const allBodies = [...new Set(unitList.map((u) => u.body ?? u.unit))].map((b) => encodeURIComponent(b));
// catalogue entries that some target uses (an unused entry's page is an empty compare)
const allIndicators = (await json('/indicators.json?all=1')).indicators.filter((i) => i.targets > 0).map((i) => encodeURIComponent(i.id));
const [plans, units, bodies, indicators] = [allPlans, allUnits, allBodies, allIndicators].map(sample);
const e = encodeURIComponent;

/** page kind → the URLs of every page of that kind */
const KINDS = {
  plans: ['/plans'],
  'plans (facets)': [`/plans?subject=${e('儿童')}`, `/plans?region=${e('衢州市')}&subject=${e('妇女')}`],
  plan: plans.map((id) => `/plans/${id}`),
  'plan source': plans.map((id) => `/plans/${id}/source`),
  'plan source .json': plans.map((id) => `/plans/${id}/source.json`),
  units: ['/units', `/units?q=${e('卫健')}`, '/units?offset=40000'],
  unit: units.map((id) => `/units/${id}`),
  body: bodies.map((b) => `/bodies/${b}`),
  indicators: ['/indicators'],
  indicator: indicators.map((k) => `/indicators/${k}`),
  targets: ['/targets'],
  'targets (filtered)': [`/targets?indicator=${e('死亡率')}&kind=goal`, `/targets?unit=${e('市卫健委')}&year=2025`, `/targets?plan=${e('苏州')}`],
  'targets .csv': ['/targets.csv'],
  search: [`/search?q=${e('近视')}`, `/search?q=${e('托育 服务')}`, `/search?q=${e('心理健康')}`],
  gaps: ['/gaps', '/gaps?offset=80000', `/gaps?plan=${e('苏州')}`],
  sql: [`/sql?sql=${e('SELECT region, count(*) AS targets FROM v_targets GROUP BY region')}`, `/sql?sql=${e('SELECT * FROM v_unit_targets LIMIT 200')}`],
};

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function hit(url) {
  const t0 = performance.now();
  const res = await fetch(base + url);
  await res.arrayBuffer();
  const client = performance.now() - t0;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const server = Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? NaN);
  return { server, client };
}

/** workbook downloads: files, not pages; ExcelJS builds them (the CLI's --xlsx code). Reported, not held to the page target. */
const DOWNLOADS = {
  'targets .xlsx': ['/targets.xlsx'],
  // every target, not a page (the pages' downloads give their page's rows)
  'targets .csv?all=1': ['/targets.csv?all=1'],
  'plan .xlsx': plans.map((id) => `/plans/${id}.xlsx`),
  'targets .xlsx (filtered)': [`/targets.xlsx?indicator=${e('死亡率')}&kind=goal`],
};

// one warm-up visit of every page (first use of a template, exceljs, the SQL process)
for (const urls of [...Object.values(KINDS), ...Object.values(DOWNLOADS)]) for (const u of urls) await hit(u);

console.log(
  `${file}: ${allPlans.length} plans, ${allUnits.length} units, ${allBodies.length} bodies, ${allIndicators.length} catalogue indicators in use; ${ROUNDS} requests per page kind, one at a time (pages: at most ${SAMPLE} of a kind)`,
);
console.log(`${'page kind'.padEnd(26)} ${'pages'.padStart(5)}  ${'server p50'.padStart(10)} ${'p95'.padStart(7)}  ${'client p50'.padStart(10)} ${'p95'.padStart(7)}  p95/limit`);
let worst = 0;
const rows = (kinds, counts) => Object.entries(kinds).map(([kind, urls]) => ({ kind, urls, counts }));
for (const { kind, urls, counts } of [...rows(KINDS, true), ...rows(DOWNLOADS, false)]) {
  if (!counts && kind === Object.keys(DOWNLOADS)[0]) console.log('downloads (workbooks, not pages):');
  const server = [];
  const client = [];
  // workbooks: a few downloads each (a whole-database workbook takes seconds)
  for (let i = 0; i < (counts ? ROUNDS : Math.min(ROUNDS, 3)); i++) {
    const r = await hit(urls[i % urls.length]);
    server.push(r.server);
    client.push(r.client);
  }
  const p95 = pct(server, 95);
  if (counts) worst = Math.max(worst, p95);
  const f = (x) => `${x.toFixed(1)} ms`;
  console.log(
    `${kind.padEnd(26)} ${String(urls.length).padStart(5)}  ${f(pct(server, 50)).padStart(10)} ${f(p95).padStart(7)}  ${f(pct(client, 50)).padStart(10)} ${f(pct(client, 95)).padStart(7)}  ${(p95 / LIMIT_MS).toFixed(2)}`,
  );
}
await server.close();
console.log(worst < LIMIT_MS ? `ok: every page kind p95 under ${LIMIT_MS} ms on the server (worst ${worst.toFixed(1)} ms)` : `SLOW: a page kind's p95 is ${worst.toFixed(1)} ms ≥ ${LIMIT_MS} ms`);
process.exitCode = worst < LIMIT_MS ? 0 : 1;

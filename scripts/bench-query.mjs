#!/usr/bin/env node
// p50 and p95 of every query command on an existing database (builds nothing), in process: the query
// alone, and the query with its aligned table (what `plandb CMD` prints). Target: p95 ≤ 50 ms each.
// Usage: npx tsc -p tsconfig.json && node scripts/bench-query.mjs [out/plans.db] [runs]
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadRules } from '../dist/rules/index.js';
import * as q from '../dist/query/index.js';
import { reviewPlan } from '../dist/corrections/index.js';

const file = process.argv[2] ?? 'out/plans.db';
const RUNS = Number(process.argv[3] ?? 20);
const LIMIT_MS = 50;
if (!existsSync(file)) {
  console.error(`bench-query: ${file} not found; build it first: npx tsc -p tsconfig.json && node bin/plandb.js rebuild`);
  process.exit(1);
}
const rules = loadRules();
const db = q.openQueryDb(file);

// arguments that exist in this database: the seed corpus's names when present, else the first of each
const one = (sql, ...p) => db.prepare(sql).pluck().get(...p);
const plan = one("SELECT id FROM plans WHERE title LIKE '昆山市%' ORDER BY id") ?? one('SELECT id FROM plans ORDER BY id');
// a plan with a parent government's plan (for align), else any
const child =
  one(`SELECT p.id FROM plans p JOIN plans q ON q.id <> p.id AND q.subject IS p.subject AND instr(p.division_chain, q.division_code) > 1 ORDER BY p.id LIMIT 1`) ?? plan;
const planWord = one("SELECT '苏州' WHERE EXISTS (SELECT 1 FROM plans WHERE title LIKE '%苏州%')") ?? String(plan);
const qualified = one("SELECT canonical FROM units WHERE canonical LIKE '%市卫健委' ORDER BY id") ?? one('SELECT canonical FROM units ORDER BY id');
const indicator = one("SELECT indicator FROM targets WHERE indicator_id = 'H002' LIMIT 1") ? '婴儿死亡率' : one('SELECT indicator FROM targets LIMIT 1');

const table = (rs) => q.formatTable(rs);
// what a command prints by default: the first page of a listing (--limit 100); --all forms are listed apart
const P = { limit: 100, offset: 0 };
const paged = (columns, r) => ({ columns, rows: r.rows, total: r.total, offset: r.offset });
const cases = {
  plans: () => ({ columns: q.PLAN_COLUMNS, ...q.pagePlans(db, P) }),
  [`show ${plan}`]: () => ({ columns: q.OUTLINE_COLUMNS, rows: q.showPlan(db, { plan: String(plan) }).outline }),
  units: () => ({ columns: q.UNIT_COLUMNS, ...q.pageUnits(db, {}, P) }),
  'units --offset 40000': () => ({ columns: q.UNIT_COLUMNS, ...q.pageUnits(db, {}, { limit: 100, offset: 40000 }) }),
  [`units --plan ${plan}`]: () => ({ columns: q.UNIT_COLUMNS, ...q.pageUnits(db, { plan: String(plan) }, P) }),
  'unit 市卫健委': () => ({ columns: q.UNIT_ITEM_COLUMNS, ...q.unitItems(db, { name: '市卫健委', page: P }) }),
  'unit 市卫生健康委员会': () => ({ columns: q.UNIT_ITEM_COLUMNS, ...q.unitItems(db, { name: '市卫生健康委员会', page: P }) }),
  'unit 卫健委': () => ({ columns: q.UNIT_ITEM_COLUMNS, ...q.unitItems(db, { name: '卫健委', page: P }) }),
  'unit 教育局 --offset 20000': () => ({ columns: q.UNIT_ITEM_COLUMNS, ...q.unitItems(db, { name: '教育局', page: { limit: 100, offset: 20000 } }) }),
  'unit 妇联 --role 牵头': () => ({ columns: q.UNIT_ITEM_COLUMNS, ...q.unitItems(db, { name: '妇联', role: '牵头', page: P }) }),
  [`unit ${qualified}`]: () => ({ columns: q.UNIT_ITEM_COLUMNS, ...q.unitItems(db, { name: qualified, page: P }) }),
  'targets --unit 市卫健委 --year 2025': () => paged(q.TARGET_COLUMNS, q.findTargets(db, { unit: '市卫健委', year: 2025, page: P })),
  'targets --indicator 死亡率 --kind goal': () => paged(q.TARGET_COLUMNS, q.findTargets(db, { indicator: '死亡率', kind: 'goal', page: P })),
  [`targets --plan ${planWord}`]: () => paged(q.TARGET_COLUMNS, q.findTargets(db, { plan: planWord, page: P })),
  targets: () => paged(q.TARGET_COLUMNS, q.findTargets(db, { page: P })),
  [`compare ${indicator}`]: () => paged(q.COMPARE_COLUMNS, q.compareIndicator(db, { indicator, rules, page: P })),
  [`align ${child}`]: () => paged(q.ALIGN_COLUMNS, q.alignPlan(db, { plan: String(child), rules, page: P })),
  indicators: () => (q.catalogueCoverage(db), paged(q.INDICATOR_COLUMNS, q.pageIndicators(db, {}, P))),
  'indicators --unmapped': () => (q.catalogueCoverage(db), paged(q.TARGET_COLUMNS, q.pageUnmapped(db, P))),
  'search 近视': () => paged(q.SEARCH_COLUMNS, q.searchItems(db, { query: '近视', rules, page: { limit: 50, offset: 0 } })),
  'search 托育 服务': () => paged(q.SEARCH_COLUMNS, q.searchItems(db, { query: '托育 服务', rules, page: { limit: 50, offset: 0 } })),
  gaps: () => ({ columns: q.GAP_COLUMNS, ...q.pageGaps(db, {}, P) }),
  'gaps --offset 80000': () => ({ columns: q.GAP_COLUMNS, ...q.pageGaps(db, {}, { limit: 100, offset: 80000 }) }),
  'gaps --kind 目标': () => ({ columns: q.GAP_COLUMNS, ...q.pageGaps(db, { kind: '目标' }, P) }),
  'gaps --summary': () => ({ columns: q.GAP_SUMMARY_COLUMNS, ...q.pageGapSummary(db, {}, P) }),
  [`gaps --plan ${plan}`]: () => ({ columns: q.GAP_COLUMNS, ...q.pageGaps(db, { plan: String(plan) }, P) }),
  [`review ${plan}`]: () => ({ columns: [{ key: 'ref' }], rows: reviewPlan(db, plan).facts }),
};

/** Every row (--all, --json, --csv): reported for information, not held to the limit (printing 87 000 rows is not an answer at once). */
const ALL = {
  'plans --all': () => ({ columns: q.PLAN_COLUMNS, rows: q.listPlans(db) }),
  'units --all': () => ({ columns: q.UNIT_COLUMNS, rows: q.listUnits(db) }),
  'unit 卫健委 --all': () => ({ columns: q.UNIT_ITEM_COLUMNS, rows: q.unitItems(db, { name: '卫健委' }).rows }),
  'gaps --all': () => ({ columns: q.GAP_COLUMNS, rows: q.findGaps(db) }),
  'targets --indicator 死亡率 --kind goal --all': () => paged(q.TARGET_COLUMNS, q.findTargets(db, { indicator: '死亡率', kind: 'goal' })),
  [`compare ${indicator} --all`]: () => paged(q.COMPARE_COLUMNS, q.compareIndicator(db, { indicator, rules })),
  'indicators --unmapped --all': () => (q.catalogueCoverage(db), paged(q.TARGET_COLUMNS, q.pageUnmapped(db))),
  'search 托育 服务 --all': () => paged(q.SEARCH_COLUMNS, q.searchItems(db, { query: '托育 服务', rules, page: {} })),
};

// load jieba and the rules once, outside the timings (a CLI run pays this once)
q.searchItems(db, { query: '近视', rules });
q.compareIndicator(db, { indicator, rules });

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const plans = one('SELECT count(*) FROM plans');
console.log(`${file}: ${plans} plans; ${RUNS} runs per query (after one warm-up); ms`);
console.log(`${'query'.padEnd(40)} ${'p50'.padStart(8)} ${'p95'.padStart(8)}   ${'+table p50'.padStart(10)} ${'p95'.padStart(8)}  rows`);
let worst = 0;
let worstName = '';
/** Times a case: p50/p95 of the query alone and with its aligned table; returns the p95 with the table. */
function measure(name, fn, runs) {
  const qt = [];
  const tt = [];
  let rows = '';
  table(fn());
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const rs = fn();
    const t1 = performance.now();
    table(rs);
    const t2 = performance.now();
    qt.push(t1 - t0);
    tt.push(t2 - t0);
    rows = rs.total !== undefined && rs.total !== rs.rows.length ? `${rs.rows.length} of ${rs.total}` : String(rs.rows.length);
  }
  const f = (x) => x.toFixed(1).padStart(8);
  console.log(`${name.padEnd(40)} ${f(pct(qt, 50))} ${f(pct(qt, 95))}   ${f(pct(tt, 50)).padStart(10)} ${f(pct(tt, 95))}  ${rows}`);
  return pct(tt, 95);
}
for (const [name, fn] of Object.entries(cases)) {
  const p95 = measure(name, fn, RUNS);
  if (p95 > worst) [worst, worstName] = [p95, name];
}
console.log('every row (--all / --json), for information:');
for (const [name, fn] of Object.entries(ALL)) measure(name, fn, Math.min(RUNS, 5));
db.close();
console.log(worst <= LIMIT_MS ? `ok: every query with its table p95 ≤ ${LIMIT_MS} ms (worst ${worst.toFixed(1)} ms, ${worstName})` : `SLOW: ${worstName} p95 ${worst.toFixed(1)} ms > ${LIMIT_MS} ms`);
process.exitCode = worst <= LIMIT_MS ? 0 : 1;

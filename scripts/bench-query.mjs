#!/usr/bin/env node
// Median time of each query function on an existing database (builds nothing).
// Usage: npx tsc -p tsconfig.json && node scripts/bench-query.mjs [out/plans.db]
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadRules } from '../dist/rules/index.js';
import * as q from '../dist/query/index.js';

const file = process.argv[2] ?? 'out/plans.db';
if (!existsSync(file)) {
  console.error(`bench-query: ${file} not found; build it first: npx tsc -p tsconfig.json && node bin/plandb.js rebuild`);
  process.exit(1);
}
const RUNS = 20;
const rules = loadRules();
const db = q.openQueryDb(file);

const cases = {
  plans: () => q.listPlans(db),
  'show 昆山': () => q.showPlan(db, { plan: '昆山' }),
  units: () => q.listUnits(db),
  'unit 市卫健委': () => q.unitItems(db, { name: '市卫健委', rules }),
  'unit 市卫生健康委员会': () => q.unitItems(db, { name: '市卫生健康委员会', rules }),
  'targets --unit 市卫健委 --year 2025': () => q.findTargets(db, { unit: '市卫健委', year: 2025, rules }),
  'targets --indicator 死亡率': () => q.findTargets(db, { indicator: '死亡率' }),
  'compare 婴儿死亡率': () => q.compareIndicator(db, { indicator: '婴儿死亡率' }),
  gaps: () => q.findGaps(db),
  'search 近视': () => q.searchItems(db, { query: '近视', rules }),
  'search 托育 服务': () => q.searchItems(db, { query: '托育 服务', rules }),
};

// load jieba and the unit rules once, outside the timings (a CLI run pays this once, ~1 s)
q.unitItems(db, { name: '市卫生健康委员会', rules });
q.searchItems(db, { query: '近视', rules });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
let worst = 0;
console.log(`${file}: median of ${RUNS} runs`);
for (const [name, fn] of Object.entries(cases)) {
  const times = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = fn();
    times.push(performance.now() - t0);
    rows = Array.isArray(r) ? r.length : (r.rows ?? r.outline).length;
  }
  const m = median(times);
  worst = Math.max(worst, m);
  console.log(`${m.toFixed(2).padStart(8)} ms  ${name}  (${rows} rows)`);
}
db.close();
console.log(worst < 50 ? `ok: every query under 50 ms` : `SLOW: ${worst.toFixed(1)} ms > 50 ms`);
process.exitCode = worst < 50 ? 0 : 1;

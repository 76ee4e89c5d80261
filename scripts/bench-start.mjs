#!/usr/bin/env node
// Start-up time of the CLI: wall time of `plandb --help`, `plandb plans` and `plandb unit 市卫健委` on a
// database, beside `node -e 0` (Node's own start), median of several runs. Target: ≤ 0.3 s each.
// Usage: npx tsc -p tsconfig.json && node scripts/bench-start.mjs [out/plans.db] [runs]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const file = process.argv[2] ?? 'out/plans.db';
const RUNS = Number(process.argv[3] ?? 9);
const LIMIT_S = 0.3;
if (!existsSync(file)) {
  console.error(`bench-start: ${file} not found; build it first: npx tsc -p tsconfig.json && node bin/plandb.js rebuild`);
  process.exit(1);
}
const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '../bin/plandb.js');

const commands = {
  'node -e 0': ['-e', '0'],
  'plandb --help': [bin, '--help'],
  'plandb plans': [bin, 'plans', '--db', file],
  'plandb unit 市卫健委': [bin, 'unit', '市卫健委', '--db', file],
};

/** Wall time of one run, in seconds (output discarded; a failing command stops the bench). */
function once(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return s;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// runs interleaved (node, help, plans, unit, node, …) so that a busy moment of the machine hits them alike
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (const args of Object.values(commands)) once(args); // warm the file cache
for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(commands)) times[name].push(once(args));

const node = median(times['node -e 0']);
console.log(`${file}: median wall time of ${RUNS} runs (s)`);
console.log(`${'command'.padEnd(24)} ${'median'.padStart(7)} ${'min'.padStart(7)} ${'- node'.padStart(7)}`);
let worst = 0;
let worstName = '';
for (const [name, ts] of Object.entries(times)) {
  const m = median(ts);
  if (name !== 'node -e 0' && m > worst) [worst, worstName] = [m, name];
  console.log(`${name.padEnd(24)} ${m.toFixed(3).padStart(7)} ${Math.min(...ts).toFixed(3).padStart(7)} ${(name === 'node -e 0' ? '' : `+${(m - node).toFixed(3)}`).padStart(7)}`);
}
console.log(worst <= LIMIT_S ? `ok: every command starts in ≤ ${LIMIT_S} s (worst ${worst.toFixed(3)} s, ${worstName})` : `SLOW: ${worstName} takes ${worst.toFixed(3)} s > ${LIMIT_S} s`);
process.exitCode = worst <= LIMIT_S ? 0 : 1;

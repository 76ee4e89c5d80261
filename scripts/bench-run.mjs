#!/usr/bin/env node
// Runs one plandb command in this process and prints, as the last line on stderr, a JSON record of
// its cost: wall seconds, CPU seconds (user, system, all threads) and peak resident memory.
// Used by scripts/bench.mjs:  node scripts/bench-run.mjs rebuild --corpus X --db Y -q
import { performance } from 'node:perf_hooks';
const t0 = performance.now();
const { main } = await import('../dist/cli/index.js');
const code = await main(['node', 'plandb', ...process.argv.slice(2)]);
const r = process.resourceUsage();
process.stderr.write(`\nBENCH ${JSON.stringify({ code, wall: (performance.now() - t0) / 1000, user: r.userCPUTime / 1e6, system: r.systemCPUTime / 1e6, maxRssMB: r.maxRSS / 1024 })}\n`);
process.exitCode = code;

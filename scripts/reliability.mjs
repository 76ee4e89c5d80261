#!/usr/bin/env node
// Reliability check: kills `plandb rebuild` and `plandb ingest` with SIGKILL at random moments, N times,
// and after every kill checks that
//   - the database passes PRAGMA integrity_check and foreign_key_check,
//   - its content is the old database or the new one (rebuild), or the old one plus whole documents
//     (ingest, one transaction per document): never a partial plan,
//   - after the next (uninterrupted) run no temporary file is left next to it (no .tmp-PID, no journal).
// Content is compared by a fingerprint that ignores row ids: per plan its key, title and the counts of
// its sections, items, targets and responsibilities, plus its targets' indicator/op/value.
// Needs a build first: `npx tsc -p tsconfig.json`.
// Usage: node scripts/reliability.mjs [--n 50] [--seed 1] [--json]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/plandb.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N = opt('--n', 50);
let rand = opt('--seed', Date.now() % 100000) >>> 0;
const seedUsed = rand;
const random = () => ((rand = (Math.imul(rand, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const json = args.includes('--json');
const log = (s) => {
  if (!json) console.log(s);
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plandb-reliability-'));
const seeds = fs.readdirSync(path.join(root, 'corpus')).filter((n) => n.endsWith('.txt')).sort();
const mkCorpus = (name, files) => {
  const d = path.join(work, name);
  fs.mkdirSync(d);
  for (const f of files) fs.copyFileSync(path.join(root, 'corpus', f), path.join(d, f));
  return d;
};
// A: three seeds; B: all five; EXTRA: the two seeds B has and A lacks (ingested into A)
const A = mkCorpus('A', seeds.filter((_, i) => i % 2 === 0));
const B = mkCorpus('B', seeds);
const EXTRA = seeds.filter((_, i) => i % 2 === 1).map((f) => path.join(B, f));
const dbDir = path.join(work, 'db');
fs.mkdirSync(dbDir);
const db = path.join(dbDir, 'plans.db');

function runPlandb(argv, killAfterMs) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [bin, ...argv, '--db', db, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    let timer = null;
    if (killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - t0, err });
    });
  });
}

/** Opens the database as the next plandb run would (recovering a hot journal) and fingerprints it. */
function inspect() {
  if (!fs.existsSync(db)) return { fp: 'missing', integrity: 'missing' };
  const h = new Database(db, { timeout: 10000 });
  try {
    const integrity = h.pragma('integrity_check', { simple: true });
    const fk = h.pragma('foreign_key_check').length;
    const plans = h
      .prepare(
        `SELECT p.plan_key, p.title,
          (SELECT count(*) FROM sections s WHERE s.plan_id = p.id) s,
          (SELECT count(*) FROM items i WHERE i.plan_id = p.id) i,
          (SELECT count(*) FROM targets t WHERE t.plan_id = p.id) t,
          (SELECT count(*) FROM responsibilities r WHERE r.plan_id = p.id) r,
          (SELECT group_concat(x, ';') FROM (SELECT indicator || op || coalesce(value, '') x FROM targets t WHERE t.plan_id = p.id ORDER BY x)) tx
         FROM plans p ORDER BY p.plan_key`,
      )
      .all();
    const fts = h.prepare('SELECT count(*) FROM items_fts').pluck().get();
    const items = h.prepare('SELECT count(*) FROM items').pluck().get();
    const perPlan = new Map(plans.map((p) => [p.plan_key, JSON.stringify(p)]));
    return { fp: JSON.stringify(plans), perPlan, integrity: integrity === 'ok' && fk === 0 && fts === items ? 'ok' : `${integrity}; fk ${fk}; fts ${fts}/${items}` };
  } finally {
    h.close();
  }
}

// what is beside the database but the database and its caches' whole entries (a half-written cache entry, NAME.PID.X.tmp, counts)
const cacheEntry = (n) => n === 'cache' || (n.startsWith(`cache${path.sep}`) && !n.endsWith('.tmp'));
const leftovers = () => fs.readdirSync(dbDir, { recursive: true }).filter((n) => n !== 'plans.db' && !cacheEntry(n));

// reference states, built without interruption
const t0 = await runPlandb(['rebuild', '--corpus', B]);
const FB = inspect();
// durations of the latest uninterrupted runs: kill moments follow them (a loaded machine runs slower)
const dur = { rebuild: t0.ms, ingest: 0 };
await runPlandb(['rebuild', '--corpus', A]);
const FA = inspect();
const t1 = await runPlandb(['ingest', ...EXTRA]);
dur.ingest = t1.ms;
const FAX = inspect();
await runPlandb(['rebuild', '--corpus', A]);
if (t0.code || t1.code) throw new Error(`reference runs failed: ${t0.err}${t1.err}`);
// every plan of B as it should be stored
const wholePlans = new Map([...FB.perPlan, ...FAX.perPlan]);
log(`plandb reliability: N=${N} seed=${seedUsed} work=${work}`);
log(`reference: rebuild of ${seeds.length} seeds ${dur.rebuild} ms, ingest of ${EXTRA.length} seeds ${dur.ingest} ms`);

const stats = { n: N, seed: seedUsed, rebuildKills: 0, ingestKills: 0, finishedBeforeKill: 0, old: 0, new: 0, partialIngest: 0, integrityFailures: 0, notOldOrNew: 0, partialPlans: 0, leftoverAfterNextRun: 0, leftoverAfterKill: 0, failures: [] };
let state = 'A'; // what the database holds now: A's plans, or B's
let cur = FA; // its fingerprint
for (let k = 1; k <= N; k++) {
  let argv;
  let target;
  const old = cur;
  if (state === 'B' || random() < 0.5) {
    target = state === 'A' ? 'B' : 'A';
    argv = ['rebuild', '--corpus', target === 'A' ? A : B];
    stats.rebuildKills++;
  } else {
    target = 'AX';
    argv = ['ingest', ...EXTRA];
    stats.ingestKills++;
  }
  const d = dur[argv[0]];
  // between a quarter of the way (past the start-up, where a kill is trivially harmless) and just after the end
  const at = Math.round(d * (0.25 + random() * 0.8));
  const r = await runPlandb(argv, at);
  if (r.signal !== 'SIGKILL') stats.finishedBeforeKill++;
  const killLeft = leftovers();
  if (killLeft.length) stats.leftoverAfterKill++;
  const got = inspect();
  const fNew = target === 'A' ? FA : target === 'B' ? FB : FAX;
  let verdict;
  if (got.integrity !== 'ok') {
    stats.integrityFailures++;
    verdict = `INTEGRITY ${got.integrity}`;
  } else if (got.fp === old.fp) {
    stats.old++;
    verdict = 'old';
  } else if (got.fp === fNew.fp) {
    stats.new++;
    verdict = 'new';
  } else if (argv[0] === 'ingest' && [...got.perPlan].every(([key, v]) => wholePlans.get(key) === v) && [...old.perPlan.keys()].every((key) => got.perPlan.has(key))) {
    stats.partialIngest++;
    verdict = 'old + whole documents';
  } else {
    const partial = [...got.perPlan].filter(([key, v]) => wholePlans.get(key) !== v).length;
    stats.partialPlans += partial;
    stats.notOldOrNew++;
    verdict = `NEITHER OLD NOR NEW (${partial} partial plans)`;
  }
  // the next run, uninterrupted: must succeed and leave nothing behind
  const next = await runPlandb(argv);
  if (next.code === 0) dur[argv[0]] = next.ms;
  const left = leftovers();
  if (next.code !== 0) stats.failures.push(`run ${k}: next ${argv[0]} exited ${next.code}: ${next.err.trim()}`);
  if (left.length) stats.leftoverAfterNextRun++;
  state = target === 'A' ? 'A' : 'B';
  cur = fNew;
  if (verdict.startsWith('INTEGRITY') || verdict.startsWith('NEITHER') || left.length) stats.failures.push(`run ${k}: ${argv[0]} killed at ${at} ms: ${verdict}; left after next run: ${left.join(', ') || '-'}`);
  log(`${String(k).padStart(3)} ${argv[0].padEnd(7)} kill at ${String(at).padStart(5)} ms${r.signal === 'SIGKILL' ? '' : ' (had finished)'}: ${verdict}; ${killLeft.length ? `left by the kill: ${killLeft.join(', ')}; ` : ''}${left.length ? `LEFT after next run: ${left.join(', ')}` : 'nothing left after the next run'}`);
}
const ok = stats.integrityFailures === 0 && stats.notOldOrNew === 0 && stats.leftoverAfterNextRun === 0 && stats.failures.length === 0;
if (json) console.log(JSON.stringify({ ...stats, ok }));
else {
  console.log(`\n${N} kills (${stats.rebuildKills} rebuild, ${stats.ingestKills} ingest; ${stats.finishedBeforeKill} had finished first)`);
  console.log(`  old database: ${stats.old}, new database: ${stats.new}, old + whole documents (ingest): ${stats.partialIngest}`);
  console.log(`  integrity failures: ${stats.integrityFailures}, neither old nor new: ${stats.notOldOrNew}, partial plans: ${stats.partialPlans}`);
  console.log(`  kills that left temp files: ${stats.leftoverAfterKill}; temp files left after the next run: ${stats.leftoverAfterNextRun}`);
  console.log(ok ? 'OK' : `FAILED:\n${stats.failures.join('\n')}`);
}
fs.rmSync(work, { recursive: true, force: true });
process.exitCode = ok ? 0 : 1;

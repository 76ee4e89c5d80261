#!/usr/bin/env node
/**
 * The scale benchmark (`npm run bench`): builds a deterministic synthetic corpus from corpus/ into
 * out/bench/ and prints, side by side in one run, the ratios that matter (machines are noisy: compare
 * figures of the same run, not of different runs):
 *   - full rebuild per plan file at 100 / 500 / 2,000 files (growth must stay linear)
 *   - no-change rebuild, rule-change rebuild vs full, one-file ingest into the big database vs the
 *     same file into an empty one
 *   - bytes per plan (by table), peak memory of each build, of export
 *   - text-stage throughput vs a bare regex scan of the same text
 *   - then the query, start-up, web and PDF benchmarks (scripts/bench-query.mjs, bench-start.mjs,
 *     bench-serve.mjs, bench-pdf.mjs) on the 2,000-file database
 * Needs a build (`npm run build`). Sizes: BENCH_SIZES=100,500,2000 (the largest is the big database).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { makeSynthetic } from './make-synthetic.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const sizes = (process.env.BENCH_SIZES ?? '100,500,2000').split(',').map(Number);
const big = Math.max(...sizes);
const out = path.join('out', 'bench');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const rows = [];
const row = (what, value, note = '') => {
  rows.push([what, value, note]);
  console.log(`  ${what.padEnd(44)} ${String(value).padStart(12)}  ${note}`);
};
const f2 = (x) => x.toFixed(2);

/** The allocator settings bin/plandb gives node (see its comments). */
const tunables = process.env.GLIBC_TUNABLES ?? '';
const plandbEnv = {
  ...process.env,
  MALLOC_TOP_PAD_: process.env.MALLOC_TOP_PAD_ ?? '536870912',
  GLIBC_TUNABLES: tunables.includes('glibc.malloc.hugetlb=') ? tunables : [tunables, 'glibc.malloc.hugetlb=1'].filter(Boolean).join(':'),
};

/** Runs a plandb command as bin/plandb does (same allocator settings), returns its cost. */
function plandb(...args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['scripts/bench-run.mjs', ...args], { encoding: 'utf8', env: plandbEnv, maxBuffer: 1 << 28 });
  const wall = (performance.now() - t0) / 1000;
  const line = (r.stderr ?? '').split('\n').reverse().find((l) => l.startsWith('BENCH '));
  if (!line) throw new Error(`plandb ${args.join(' ')} failed:\n${r.stderr}`);
  const rec = JSON.parse(line.slice(6));
  if (rec.code !== 0) throw new Error(`plandb ${args.join(' ')} exited ${rec.code}:\n${r.stderr.slice(-2000)}`);
  return { ...rec, wall };
}

console.log(`plandb scale benchmark: ${sizes.join(' / ')} files, ${(await import('node:os')).availableParallelism()} cores, node ${process.version}`);

// the synthetic corpus: the corpus plans copied with their place names changed; the smaller corpora are its first files
const synth = path.join(out, `synthetic-${big}`);
makeSynthetic(big + 1, synth);
const extra = path.join(out, 'one-more');
mkdirSync(extra);
const last = readdirSync(synth).sort().at(-1);
cpSync(path.join(synth, last), path.join(extra, last));
rmSync(path.join(synth, last)); // the one file ingested later is not in the corpus
const names = readdirSync(synth).sort();
for (const n of sizes) {
  if (n === big) continue;
  const dir = path.join(out, `synthetic-${n}`);
  mkdirSync(dir);
  for (const f of names.slice(0, n)) symlinkSync(path.resolve(synth, f), path.join(dir, f));
}

console.log('\nBuilds (wall seconds; CPU = user + system of all threads):');
const perFile = {};
for (const n of sizes) {
  const db = path.join(out, `plans-${n}.db`);
  const r = plandb('rebuild', '--corpus', path.join(out, `synthetic-${n}`), '--db', db, '-q', '--no-cache');
  perFile[n] = r.wall / n;
  row(`full rebuild, ${n} files`, `${f2(r.wall)} s`, `${(perFile[n] * 1000).toFixed(1)} ms/file wall, CPU ${f2(r.user + r.system)} s, peak ${r.maxRssMB.toFixed(0)} MB`);
}
const small = Math.min(...sizes);
row(`per-file growth ${big} vs ${small} files`, `${f2(perFile[big] / perFile[small])}×`, 'linear = 1.0 (target ≤ 1.2)');

const bigDb = path.join(out, `plans-${big}.db`);
{
  // the cost of one more file, start-up left out: the slope between the sizes
  const [a, b] = [...sizes].sort((x, y) => x - y);
  const slope = (n, m) => ((perFile[m] * m - perFile[n] * n) / (m - n)) * 1000;
  if (sizes.length >= 3) {
    const mid = [...sizes].sort((x, y) => x - y)[1];
    row(`marginal cost per file ${mid}→${big} vs ${a}→${mid}`, `${f2(slope(mid, big) / slope(a, mid))}×`, `${slope(mid, big).toFixed(1)} vs ${slope(a, mid).toFixed(1)} ms/file (linear = 1.0)`);
  } else if (b !== undefined) row(`marginal cost per file ${a}→${b}`, `${slope(a, b).toFixed(1)} ms`, '');
}

// --force reads no cache but writes the caches beside the database (the text of PDF/Word/HTML, items' tokens)
const full = plandb('rebuild', '--corpus', synth, '--db', bigDb, '-q', '--force');
row(`full rebuild again (--force), ${big} files`, `${f2(full.wall)} s`, `CPU ${f2(full.user + full.system)} s, peak ${full.maxRssMB.toFixed(0)} MB, caches written (target ≤ 90 s)`);
const none = plandb('rebuild', '--corpus', synth, '--db', bigDb, '-q');
row('no-change rebuild', `${f2(none.wall)} s`, `${f2(none.wall / full.wall * 100)}% of full (target ≤ 1 s)`);

// rule changes: every file is extracted again from the cached text (PDF/Word) and items' tokens
// (jieba's dictionary is unchanged); a file that gives the rows stored keeps them in place
const rules = path.join(out, 'rules');
cpSync('extract-rules', rules, { recursive: true });
const indicatorsYaml = path.join(rules, 'indicators.yaml');
const yamlText = readFileSync(indicatorsYaml, 'utf8');
if (!yamlText.includes('trail_words: [稳定, ') || !yamlText.includes('name_trail_words: [的目标, ')) throw new Error('bench: indicators.yaml has no trail word lists to change');
// 1. one more word stripped from the end of indicator texts: a real change that no synthetic plan happens to use
writeFileSync(indicatorsYaml, yamlText.replace('trail_words: [稳定, ', 'trail_words: [稳定, 仍将, '));
const ruled = plandb('rebuild', '--corpus', synth, '--db', bigDb, '-q', '--rules', rules);
row('rule change touching no row (caches read)', `${f2(ruled.wall)} s`, `${f2(ruled.wall / full.wall)}× full (target ≤ 45 s)`);
// 2. 率 stripped from the end of every indicator name (覆盖率 → 覆盖): the rows of every file change
writeFileSync(indicatorsYaml, yamlText.replace('name_trail_words: [的目标, ', 'name_trail_words: [的目标, 率, '));
const ruledAll = plandb('rebuild', '--corpus', synth, '--db', bigDb, '-q', '--rules', rules);
row('rule change touching every file (caches read)', `${f2(ruledAll.wall)} s`, `${f2(ruledAll.wall / full.wall)}× full (target ≤ 45 s)`);
const ruledCold = plandb('rebuild', '--corpus', synth, '--db', bigDb, '-q', '--no-cache'); // back to the bundled rules, no cache
row('rule change touching every file, no cache', `${f2(ruledCold.wall)} s`, `${f2(ruledCold.wall / full.wall)}× full`);

const alone = path.join(out, 'alone.db');
const one = plandb('ingest', path.join(extra, last), '--db', alone, '-q', '--no-cache');
const into = plandb('ingest', path.join(extra, last), '--db', bigDb, '-q', '--no-cache');
row('one-file ingest into the big database', `${f2(into.wall)} s`, `${f2(into.wall / one.wall)}× the same file into an empty one (${f2(one.wall)} s); target ≤ 2 s`);
plandb('rebuild', '--corpus', synth, '--db', bigDb, '-q', '--no-cache'); // the ingested file leaves again

console.log('\nDatabase size:');
{
  const db = new Database(bigDb, { readonly: true });
  const plans = db.prepare('SELECT count(*) FROM plans').pluck().get();
  const bytes = statSync(bigDb).size;
  row('bytes per plan', `${(bytes / plans / 1024).toFixed(0)} KB`, `${(bytes / 1048576).toFixed(0)} MB for ${plans} plans`);
  const by = db.prepare("SELECT CASE WHEN name LIKE 'items_fts%' THEN 'items_fts' WHEN name LIKE 'sqlite_autoindex%' THEN 'autoindexes' ELSE name END AS t, sum(pgsize) AS b FROM dbstat GROUP BY t ORDER BY b DESC").all();
  for (const { t, b } of by.slice(0, 8)) row(`  ${t}`, `${(b / plans / 1024).toFixed(1)} KB`, `${((b / bytes) * 100).toFixed(0)}%`);
  db.close();
}

console.log('\nExport (streaming):');
const exp = plandb('export', '--db', bigDb, '--out', path.join(out, 'export'));
row('export of the big database', `${f2(exp.wall)} s`, `peak ${exp.maxRssMB.toFixed(0)} MB (target < 500 MB)`);

console.log('\nText stages (one thread, the corpus text):');
{
  const { loadRules } = await import('../dist/rules/index.js');
  const { processText } = await import('../dist/pipeline.js');
  const { unitModel } = await import('../dist/extract/units.js');
  const rulesObj = loadRules();
  unitModel(rulesObj); // jieba's dictionary loads once per process: not a text stage
  const texts = readdirSync('corpus').map((f) => readFileSync(path.join('corpus', f), 'utf8'));
  const chars = texts.reduce((n, t) => n + t.length, 0);
  const mb = Buffer.byteLength(texts.join('')) / 1048576;
  const time = (fn, reps) => {
    fn();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    return (performance.now() - t0) / 1000 / reps;
  };
  const stages = time(() => texts.forEach((t, i) => processText({ text: t, format: 'txt' }, `corpus-${i}.txt`, rulesObj)), 5);
  const heading = /^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]).*$/gmu;
  const target = /(?:达到|不低于|不高于|控制在|保持在|降至|提高到)\s*\d+(?:\.\d+)?\s*[%‰]/gu;
  const bare = time(() => texts.forEach((t) => [...t.matchAll(heading), ...t.matchAll(target)].length), 20);
  const nodejieba = (await import('nodejieba')).default;
  const cut = time(() => texts.forEach((t) => nodejieba.cut(t)), 5);
  row('normalize → segment → extract', `${f2(mb / stages)} MB/s`, `${(chars / 1000).toFixed(0)}k characters in ${(stages * 1000).toFixed(0)} ms`);
  row("jieba's own cut of the same text", `${f2(mb / cut)} MB/s`, `text stages = ${f2(stages / cut)}× one jieba pass`);
  row('bare regex scan (headings + targets)', `${f2(mb / bare)} MB/s`, `text stages = ${f2(stages / bare)}× a bare scan`);
}

const runScript = (script, ...args) => {
  console.log(`\n$ node scripts/${script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [`scripts/${script}`, ...args], { stdio: 'inherit' });
  if (r.status !== 0) console.log(`(scripts/${script} exited ${r.status})`);
};
for (const [script, ...args] of [['bench-query.mjs', bigDb], ['bench-start.mjs', bigDb], ['bench-serve.mjs', bigDb], ['bench-pdf.mjs']]) {
  if (existsSync(path.join('scripts', script))) runScript(script, ...args);
}

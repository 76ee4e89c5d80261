/**
 * End to end: for each corpus plan with a gold file, the corrections that turn its extraction into
 * its gold (computed from the diff, recorded through `plandb correct`) make `plandb gold PLAN`
 * score 1.0 against that gold file with the reference scorer — and still 1.0 after a rebuild.
 * Run with the bundled rules and with a deliberately worse rule set, so that every kind of
 * decision (confirm, reject, edit, add) is exercised on real plans.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { loadCorrections, openDb, quoteOccurrences, type PlanReview } from '../../src/index.js';
import { decisionsFromGold, type GoldDecisions } from '../helpers/gold-diff.js';
import { captureIo } from '../helpers/io.js';
import { CORPUS, FIXTURES, GOLD, ROOT, SEEDS, tmpDir } from '../helpers/paths.js';

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, out: io.text(), err: io.errText() };
};
const ok = async (...args: string[]) => {
  const r = await run(...args);
  expect(r.code, `plandb ${args.join(' ')}: ${r.err}`).toBe(0);
  return r;
};

const SCORER = path.join(FIXTURES, 'reference-score.mjs');
function referenceScore(goldFile: string, predFile: string) {
  return JSON.parse(execFileSync(process.execPath, [SCORER, goldFile, predFile, '--json'], { encoding: 'utf8' }));
}
function expectPerfect(s: { [k: string]: { f1?: number; correct?: number; of?: number } } & { misses: string[] }, what: string) {
  expect(s.misses, what).toEqual([]);
  for (const k of ['plans', 'headings', 'targets', 'responsibilities']) expect(s[k]!.f1, `${what} ${k}`).toBe(1);
  expect(s.op!.correct, `${what} op`).toBe(s.op!.of);
  expect(s.year!.correct, `${what} year`).toBe(s.year!.of);
}

/** Which occurrence of a gold quote to anchor to: the first one under the gold heading. */
function occurrenceUnder(db: string, planId: number, quote: string, heading: string): number {
  const conn = openDb(db, { readonly: true });
  try {
    const occ = quoteOccurrences(conn, planId, quote);
    expect(occ.length, `gold quote found in the plan: ${quote}`).toBeGreaterThan(0);
    const headingAt = conn.prepare('SELECT path FROM sections WHERE plan_id = ? AND start <= ? ORDER BY start DESC LIMIT 1').pluck();
    const k = occ.findIndex((o) => (headingAt.get(planId, o.start) ?? '') === heading);
    return Math.max(0, k);
  } finally {
    conn.close();
  }
}

/** Records the decisions through the CLI: confirms, rejects and edits by ref first (refs stay valid), then the adds. */
async function record(d: GoldDecisions, plan: string, db: string, where: string[]) {
  if (d.confirm.length) await ok('correct', plan, 'confirm', ...d.confirm, ...where);
  if (d.reject.length) await ok('correct', plan, 'reject', ...d.reject, ...where);
  if (d.set.length) await ok('correct', plan, 'set', ...d.set.flatMap(([ref, args]) => [ref, ...args]), ...where);
  for (const a of d.add) {
    const occurrence = occurrenceUnder(db, Number(plan), a.quote, a.heading);
    await ok('correct', plan, 'add', a.fact, '--quote', a.quote, '--occurrence', String(occurrence), ...a.args, ...where);
  }
}

const GOLDS = [SEEDS.kunshan, SEEDS.lanxi, SEEDS.suzhou];

/** A corpus of the plans that have gold files (the others would only slow the test down). */
function goldCorpus(dir: string): string {
  const corpus = path.join(dir, 'corpus');
  mkdirSync(corpus, { recursive: true });
  for (const stem of GOLDS) copyFileSync(path.join(CORPUS, `${stem}.txt`), path.join(corpus, `${stem}.txt`));
  return corpus;
}

async function reviewToGold(rulesDir: string | null) {
  const dir = tmpDir('gold-e2e');
  const db = path.join(dir, 'plans.db');
  const corrections = path.join(dir, 'corrections');
  const rules = rulesDir ? ['--rules', rulesDir] : [];
  const where = ['--db', db, '--corrections', corrections, ...rules];
  const corpus = goldCorpus(dir);
  await ok('rebuild', '--corpus', corpus, ...where, '-q');
  const totals = { confirm: 0, reject: 0, set: 0, add: 0 };
  const planIds: string[] = [];
  for (const stem of GOLDS) {
    const goldFile = path.join(GOLD, `${stem}.json`);
    const gold = JSON.parse(readFileSync(goldFile, 'utf8'));
    const review = JSON.parse((await ok('review', gold.plans[0].title, '--db', db, '--json')).out) as PlanReview;
    const plan = String(review.plan.id);
    planIds.push(plan);
    const d = decisionsFromGold(review, gold.plans[0]);
    for (const k of ['confirm', 'reject', 'set', 'add'] as const) totals[k] += d[k].length;
    await record(d, plan, db, where);

    const after = JSON.parse((await ok('review', plan, '--db', db, '--json')).out) as PlanReview;
    expect(after.facts.filter((f) => f.status === 'extracted').map((f) => f.ref), stem).toEqual([]);
    expect(loadCorrections(corrections).plans.get(review.plan.key)?.data.reviewed, stem).toBe(true);
    const pred = path.join(dir, `${stem}.reviewed.json`);
    await ok('gold', plan, '--db', db, '-o', pred);
    expectPerfect(referenceScore(goldFile, pred), `${stem} after review`);
  }

  await ok('rebuild', '--corpus', corpus, ...where, '-q');
  for (const [i, stem] of GOLDS.entries()) {
    const goldFile = path.join(GOLD, `${stem}.json`);
    const pred = path.join(dir, `${stem}.rebuilt.json`);
    await ok('gold', planIds[i]!, '--db', db, '-o', pred);
    expectPerfect(referenceScore(goldFile, pred), `${stem} after rebuild`);
    expect(readFileSync(pred, 'utf8'), stem).toBe(readFileSync(path.join(dir, `${stem}.reviewed.json`), 'utf8'));
  }
  return { corpus, corrections, rules, totals };
}

describe('reviewed plans become their gold', () => {
  it('with the bundled rules: gold PLAN scores 1.0 after review and after rebuild; eval --reviewed agrees with eval --gold', async () => {
    const { corpus, corrections, rules, totals } = await reviewToGold(null);
    expect(totals.confirm).toBeGreaterThan(250);
    expect(totals.add).toBeGreaterThan(0);
    // the reviewed plans are gold: scoring the rules against them gives what scoring against the gold files gives
    const reviewed = JSON.parse((await ok('eval', '--reviewed', '--sources', corpus, '--corrections', corrections, '--json', ...rules)).out);
    const gold = JSON.parse((await ok('eval', '--gold', GOLD, '--sources', corpus, '--json', ...rules)).out);
    expect(reviewed.files).toHaveLength(3);
    for (const k of ['targets', 'responsibilities', 'op', 'year']) expect(reviewed.overall[k], k).toEqual(gold.overall[k]);
  }, 300_000);

  it('with worse rules (wrong op for 以上, 参与单位 read as lead, 发展现状 reviews not skipped): rejects, edits and adds still reach 1.0, and eval --reviewed shows the damage', async () => {
    const rulesDir = path.join(tmpDir('worse-rules'), 'rules');
    cpSync(path.join(ROOT, 'extract-rules'), rulesDir, { recursive: true });
    const cmp = path.join(rulesDir, 'comparators.yaml');
    writeFileSync(
      cmp,
      readFileSync(cmp, 'utf8')
        .replace("{ id: cmp.above, words: [以上, 及以上], op: '>=' }", "{ id: cmp.above, words: [以上, 及以上], op: '>' }")
        .replace("{ text: '0-6岁儿童健康管理率保持在95%以上', op: '>=',", "{ text: '0-6岁儿童健康管理率保持在95%以上', op: '>',"),
    );
    const resp = path.join(rulesDir, 'responsibility.yaml');
    writeFileSync(resp, readFileSync(resp, 'utf8').replace('words: [参与单位, ', 'words: [').replace('words: [牵头单位, 牵头部门, 主要责任单位, 主办单位, 牵头]', 'words: [牵头单位, 牵头部门, 主要责任单位, 主办单位, 牵头, 参与单位]'));
    const sec = path.join(rulesDir, 'sections.yaml');
    writeFileSync(
      sec,
      readFileSync(sec, 'utf8')
        .replace(/^review_sentences: .*$/m, "review_sentences: ['本句不会出现']")
        .replace(/^review_titles: .*$/m, "review_titles: ['本节不会出现']"),
    );
    const { corpus, corrections, rules, totals } = await reviewToGold(rulesDir);
    expect(totals.set).toBeGreaterThan(50); // ops of 以上 targets, roles of 参与单位 lists
    expect(totals.reject).toBeGreaterThan(0); // past achievements (发展现状, 截至2020年…) taken as targets
    expect(totals.add).toBeGreaterThan(0);
    const reviewed = JSON.parse((await ok('eval', '--reviewed', '--sources', corpus, '--corrections', corrections, '--json', ...rules)).out);
    expect(reviewed.overall.op.correct).toBeLessThan(reviewed.overall.op.of);
    expect(reviewed.overall.responsibilities.f1).toBeLessThan(0.9);
    // the bundled rules score better against the same reviewed plans
    const fixed = JSON.parse((await ok('eval', '--reviewed', '--sources', corpus, '--corrections', corrections, '--json')).out);
    expect(fixed.overall.op.correct).toBe(fixed.overall.op.of);
    expect(fixed.overall.responsibilities.f1).toBe(1);
  }, 300_000);
});

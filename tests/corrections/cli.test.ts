/** plandb review / correct / corrections / gold: output, help and one-line errors, on the 兰溪 seed. */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import type { PlanReview } from '../../src/index.js';
import { captureIo } from '../helpers/io.js';
import { CORPUS, SEEDS, tmpDir } from '../helpers/paths.js';

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, out: io.text(), err: io.errText() };
};

const dir = tmpDir('review-cli');
const corpus = path.join(dir, 'corpus');
const corrections = path.join(dir, 'corrections');
const db = path.join(dir, 'plans.db');
const where = ['--db', db, '--corrections', corrections];

beforeAll(async () => {
  mkdirSync(corpus, { recursive: true });
  copyFileSync(path.join(CORPUS, `${SEEDS.lanxi}.txt`), path.join(corpus, `${SEEDS.lanxi}.txt`));
  const r = await run('rebuild', '--corpus', corpus, ...where, '-q');
  expect(r.code, r.err).toBe(0);
});

describe('review commands', () => {
  it.each(['review', 'correct', 'corrections', 'gold'])('%s --help explains the command', async (cmd) => {
    const { code, out } = await run(cmd, '--help');
    expect(code).toBe(0);
    expect(out).toContain(`Usage: plandb ${cmd}`);
  });

  it('review prints every fact in source order with its marked span, heading, rule and status', async () => {
    const r = await run('review', '兰溪', '--db', db);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^1 兰溪市.*规划.*\[001_4eee029a5c71237c\.txt · plan key [0-9a-f]{24}\]$/);
    expect(lines[1]).toMatch(/^ {3}\d+ facts: \d+ extracted$/);
    const refs = lines.filter((l) => /^[TR]\d+ /.test(l));
    expect(refs.length).toBeGreaterThan(40);
    for (const l of refs) expect(l).toMatch(/^[TR]\d+ +extracted +\S/);
    // each fact is followed by its place and its sentence with the span marked
    const json = JSON.parse((await run('review', '1', '--db', db, '--json')).out) as PlanReview;
    const starts = json.facts.map((f) => f.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const t = json.facts.find((f) => f.fact === 'target')!;
    expect(r.out).toContain(`${t.context.before}⟦${t.context.span}⟧${t.context.after}`);
    expect(t.context.span.replace(/\s/g, '')).toBe(t.anchor!.quote.replace(/\s/g, ''));
    expect(t.quote.replace(/\s/g, '')).toBe(t.context.span.replace(/\s/g, ''));
  });

  it('bad verdicts are one-line usage errors, and nothing is recorded', async () => {
    const cases: Array<[string[], string]> = [
      [['correct', '1', 'set', 'T1', 'colour=red'], "plandb: 'colour=red': expected FIELD=VALUE with FIELD one of indicator, op, value, value2, unit, year, kind (a target)"],
      [['correct', '1', 'set', 'T1', 'op=about'], 'plandb: op=about: op must be one of <= < >= > = ~ range up down keep text'],
      [['correct', '1', 'set', 'T1', 'value=many'], 'plandb: value=many: not a number (use null for none)'],
      [['correct', '1', 'set', 'R1', 'role=boss'], 'plandb: role=boss: role must be one of responsible, lead, support'],
      [['correct', '1', 'confirm', 'T999'], /^plandb: no fact T999 in plan 1 \(targets T1–T\d+, responsibilities R1–R\d+; see plandb review 1\)$/],
      [['correct', '1', 'frobnicate'], "plandb: unknown action 'frobnicate' (expected confirm, reject, set, add or undo)"],
      [['correct', '1', 'add', 'target', 'indicator=x', 'op=up'], 'plandb: add: give the quote of the missed fact with --quote'],
      [['correct', '1', 'add', 'target', '--quote', '这句话不在规划里', 'indicator=x', 'op=up'], 'plandb: quote not found in plan 1: 这句话不在规划里'],
      [['correct', '1', 'add', 'target', '--quote', '儿童', 'indicator=x', 'op=up'], /^plandb: quote occurs \d+ times in plan 1; give --occurrence 0…\d+ or a longer quote$/],
      [['correct', '1', 'add', 'target', '--quote', '儿童', '--occurrence', '0', 'indicator=x'], /^plandb: invalid decision at set\.op: /],
      [['correct', '99', 'confirm', 'T1'], "plandb: no plan matches '99' (see plandb plans)"],
    ];
    for (const [args, msg] of cases) {
      const r = await run(...args, ...where);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err.split('\n')).toHaveLength(1);
      if (typeof msg === 'string') expect(r.err, args.join(' ')).toBe(msg);
      else expect(r.err, args.join(' ')).toMatch(msg);
    }
    const list = await run('corrections', ...where);
    expect(list.out).toBe(`no corrections in ${corrections} (record some with plandb correct)`);
  });

  it('gold refuses a plan with unreviewed facts unless asked', async () => {
    const r = await run('gold', '1', '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^plandb: plan 1 has \d+ fact\(s\) not yet reviewed \(T1, .*\); review them or pass --allow-unreviewed$/);
    const g = await run('gold', '1', '--db', db, '--allow-unreviewed');
    expect(g.code).toBe(0);
    const j = JSON.parse(g.out);
    expect(j.file).toBe(`${SEEDS.lanxi}.txt`);
    expect(j.plans[0].targets.length).toBeGreaterThan(30);
  });

  it('a bad corrections file stops the build with one line naming the file and the field; the database is kept', async () => {
    const bad = path.join(dir, 'bad-corrections');
    mkdirSync(bad, { recursive: true });
    const f = path.join(bad, 'x.yaml');
    writeFileSync(f, 'plan: 0123456789abcdef01234567\ndecisions:\n  - { id: 1, action: confirm, fact: goal, quote: x }\n');
    const r = await run('rebuild', '--corpus', corpus, '--db', db, '--corrections', bad, '-q');
    expect(r.code).toBe(1);
    expect(r.err).toBe(`plandb: ${f}: invalid corrections at decisions.0.fact: Invalid option: expected one of "target"|"responsibility"`);
    expect((await run('review', '1', '--db', db)).code).toBe(0);
  });

  it('eval --reviewed without any reviewed plan says so', async () => {
    const r = await run('eval', '--reviewed', '--sources', corpus, '--corrections', corrections);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`plandb: ${corrections}: no fully reviewed plan (reviewed: true) in ${corrections}; review one with plandb review / plandb correct`);
    const both = await run('eval', '--reviewed', '--gold', 'x');
    expect(both.code).toBe(2);
    expect(both.err).toBe('plandb: give either --gold DIR or --reviewed');
  });
});

describe('an older database', () => {
  it('opened read-only, it is refused with one line saying to rebuild', async () => {
    const old = path.join(tmpDir('old-db'), 'plans.db');
    const Database = (await import('better-sqlite3')).default;
    const conn = new Database(old);
    // a database of the first plandb release: the initial schema and nothing after it
    const { MIGRATIONS } = await import('../../src/store/schema.js');
    conn.exec(MIGRATIONS[0]!.sql);
    conn.exec("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL); INSERT INTO migrations VALUES ('001-initial', 'x')");
    conn.close();
    const r = await run('review', '1', '--db', old);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^plandb: ${old.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: database was built by an older plandb \\(missing 002-query-views, .*${MIGRATIONS.at(-1)!.name}\\); run plandb rebuild$`));
  });
});

import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { counts, ingest, openDb, rebuild } from '../../src/index.js';
import { CORPUS, FIXTURES, SEEDS, seed, tmpDir } from '../helpers/paths.js';

let dbFile: string;
beforeAll(async () => {
  dbFile = path.join(tmpDir('store'), 'plans.db');
  await rebuild(CORPUS, dbFile);
});

describe('rebuild from the seed corpus', () => {
  it('builds exactly 7 plans from the five seeds (1, 1, 2, 1, 2)', () => {
    const db = openDb(dbFile, { readonly: true });
    const perSource = db.prepare('SELECT s.name, count(p.id) n FROM sources s JOIN plans p ON p.source_id = s.id GROUP BY s.id ORDER BY s.name').all();
    expect(perSource).toEqual([
      { name: `${SEEDS.kunshan}.txt`, n: 1 },
      { name: `${SEEDS.lanxi}.txt`, n: 1 },
      { name: `${SEEDS.shuozhou}.txt`, n: 2 },
      { name: `${SEEDS.suzhou}.txt`, n: 1 },
      { name: `${SEEDS.quzhou}.txt`, n: 2 },
    ]);
    db.close();
  });

  it('stores targets with provenance and effective years, and units with aliases', () => {
    const db = openDb(dbFile, { readonly: true });
    const t = db.prepare("SELECT * FROM v_targets WHERE plan LIKE '昆山%' AND indicator = '新生儿死亡率' AND kind = 'goal'").get() as Record<string, unknown>;
    expect(t).toMatchObject({ op: '<=', value: 3, unit: '‰', year: null, effective_year: 2025, heading: '三、/（一）' });
    const lead = db.prepare("SELECT indicator, role FROM v_unit_targets WHERE unit = '昆山市卫健委' AND government = '昆山市' AND body = '卫健委' AND plan LIKE '昆山%' AND indicator = '新生儿死亡率'").all();
    expect(lead).toEqual([{ indicator: '新生儿死亡率', role: 'responsible' }]);
    const suzhouLead = db.prepare("SELECT DISTINCT unit FROM v_unit_items WHERE role = 'lead' AND plan LIKE '苏州%' ORDER BY unit").pluck().all();
    expect(suzhouLead).toContain('苏州市卫健委');
    const table = db.prepare("SELECT op, value, year, baseline, baseline_year FROM targets WHERE kind = 'table' AND indicator = '新生儿死亡率'").get();
    expect(table).toEqual({ op: '<=', value: 3, year: 2025, baseline: 1.72, baseline_year: 2020 });
    const fts = db.prepare("SELECT count(*) FROM items_fts WHERE items_fts MATCH '近视'").pluck().get() as number;
    expect(fts).toBeGreaterThan(3);
    db.close();
  });
});

describe('ingest: idempotent, one copy per plan', () => {
  it('ingesting the same document twice leaves one copy', async () => {
    const file = path.join(tmpDir('db'), 'p.db');
    await ingest(file, [seed(SEEDS.suzhou)]);
    const db1 = openDb(file, { readonly: true });
    const first = counts(db1);
    db1.close();
    const r = await ingest(file, [seed(SEEDS.suzhou)]);
    expect(r.files[0]!.replacedPlans).toBe(1);
    const db2 = openDb(file, { readonly: true });
    expect(counts(db2)).toEqual(first);
    db2.close();
    expect(first.plans).toBe(1);
  });

  it('the same plan under another file name replaces the earlier copy', async () => {
    const dir = tmpDir('copy');
    const copy = path.join(dir, 'suzhou-copy.txt');
    copyFileSync(seed(SEEDS.suzhou), copy);
    const file = path.join(dir, 'p.db');
    await ingest(file, [seed(SEEDS.suzhou), seed(SEEDS.lanxi)]);
    await ingest(file, [copy]);
    const db = openDb(file, { readonly: true });
    expect(db.prepare('SELECT name FROM sources ORDER BY name').pluck().all()).toEqual([`${SEEDS.lanxi}.txt`, 'suzhou-copy.txt']);
    expect(counts(db).plans).toBe(2);
    db.close();
  });
});

describe('bad input', () => {
  it('a folder mixing good and bad files: one line per bad file, good files ingested', async () => {
    const dir = tmpDir('mixed');
    copyFileSync(seed(SEEDS.lanxi), path.join(dir, 'good.txt'));
    for (const f of ['empty.txt', 'junk.txt', 'no-plan.txt']) copyFileSync(path.join(FIXTURES, 'bad', f), path.join(dir, f));
    const file = path.join(dir, 'p.db');
    const r = await ingest(file, [dir, path.join(dir, 'missing.txt')]);
    expect(r.failed).toBe(4);
    const errors = r.files.filter((f) => !f.ok).map((f) => f.error!);
    expect(errors).toEqual([
      `${path.join(dir, 'empty.txt')}: file is empty`,
      `${path.join(dir, 'junk.txt')}: binary data, not a text file (NUL bytes)`,
      `${path.join(dir, 'no-plan.txt')}: no plan found (no title line such as 某市儿童发展规划 followed by 一、 headings)`,
      `${path.join(dir, 'missing.txt')}: no such file`,
    ]);
    expect(errors.every((e) => !e.includes('\n'))).toBe(true);
    expect(r.counts.plans).toBe(1);
  });

  it('a rebuild where every file fails keeps the old database untouched', async () => {
    const dir = tmpDir('allbad');
    const corpus = path.join(dir, 'corpus');
    mkdirSync(corpus);
    copyFileSync(path.join(FIXTURES, 'bad', 'junk.txt'), path.join(corpus, 'junk.txt'));
    const file = path.join(dir, 'p.db');
    await rebuild(CORPUS, file);
    const before = statSync(file).mtimeMs;
    await expect(rebuild(corpus, file)).rejects.toThrow('no file could be ingested');
    expect(statSync(file).mtimeMs).toBe(before);
    const db = openDb(file, { readonly: true });
    expect(counts(db).plans).toBe(7);
    db.close();
    expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false);
  });

  it('a failed document leaves what the database held before', async () => {
    const dir = tmpDir('keep');
    const file = path.join(dir, 'p.db');
    await ingest(file, [seed(SEEDS.kunshan)]);
    const bad = path.join(dir, 'x.txt');
    writeFileSync(bad, '');
    const r = await ingest(file, [bad]);
    expect(r.failed).toBe(1);
    expect(r.counts.plans).toBe(1);
  });
});

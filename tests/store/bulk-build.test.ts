/**
 * Issue 13: what a rebuild does to write faster than file-by-file ingesting, and that it writes the
 * same database:
 * - the full-text index is built from a staging table in large chunks (store/fts.ts), and a full
 *   build's read-side indexes are created at the end (store/bulk.ts);
 * - documents' normalized text is cached by text and by the rules normalize reads (batch/normcache.ts):
 *   a rule change elsewhere re-extracts without normalizing, and gives what a build without cache gives.
 */
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { NormCache, normalizeKey, runs, unrun } from '../../src/batch/normcache.js';
import { ingest, normCacheDir, rebuild } from '../../src/index.js';
import { normalize } from '../../src/normalize/index.js';
import { compile } from '../../src/rules/compiled.js';
import { loadRules } from '../../src/rules/index.js';
import { DEFERRED_INDEXES } from '../../src/store/bulk.js';
import { FTS_CHUNK } from '../../src/store/fts.js';
import { CORPUS, seed, SEEDS, tmpDir } from '../helpers/paths.js';
import { cacheEntries, editedRules } from '../helpers/rules.js';

const rules = loadRules();

/** The facts and the full-text index of a database, without ids or clocks. */
function content(file: string) {
  const db = new Database(file, { readonly: true });
  const all = (sql: string, ...p: unknown[]) => db.prepare(sql).raw().all(...p);
  try {
    return {
      items: all('SELECT p.plan_key, i.kind, i.marker, i.text, i.start, i.n_targets, i.n_responsibilities FROM items i JOIN plans p ON p.id = i.plan_id ORDER BY 1, i.start'),
      targets: all('SELECT p.plan_key, t.indicator, t.indicator_id, t.op, t.value, t.unit, t.year, t.quote, t.start FROM targets t JOIN plans p ON p.id = t.plan_id ORDER BY 1, t.start, t.indicator'),
      units: all('SELECT canonical, government, body, n_lead, n_support, n_responsible, n_items, n_targets FROM units ORDER BY canonical'),
      plans: all('SELECT plan_key, n_sections, n_items, n_targets, n_responsibilities FROM plans ORDER BY plan_key'),
      // which item (by plan and offset) every word finds, through the index
      fts: ['近视', '儿童', '市卫健委', '妇联', '婴儿', '死亡率', '服务'].map((w) =>
        all('SELECT p.plan_key, i.start FROM items_fts f JOIN items i ON i.id = f.rowid JOIN plans p ON p.id = i.plan_id WHERE items_fts MATCH ? ORDER BY 1, 2', `"${w}"*`),
      ),
      ftsRows: all('SELECT count(*) FROM items_fts'),
    };
  } finally {
    db.close();
  }
}

/** Name and SQL of every index, trigger and table of a database. */
function schema(file: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY type, name").raw().all();
  } finally {
    db.close();
  }
}

/** The corpus ingested file by file (each file's full-text rows written in its own transaction), in a new folder. */
async function ingestedCorpus(tag: string): Promise<{ dir: string; ingested: string }> {
  const dir = tmpDir(tag);
  const ingested = path.join(dir, 'ingested.db');
  await ingest(ingested, readdirSync(CORPUS).map((f) => path.join(CORPUS, f)), { jobs: 1 });
  return { dir, ingested };
}

describe('a rebuild writes what file-by-file ingesting writes', () => {
  it('full-text index built at the end, read-side indexes created at the end: same facts, same index answers, same schema', async () => {
    const { dir, ingested } = await ingestedCorpus('bulk');
    const built = path.join(dir, 'built.db');
    const r = await rebuild(CORPUS, built, { jobs: 2 });
    expect(r.mode).toBe('full');
    const a = content(ingested);
    const b = content(built);
    expect(b).toEqual(a);
    expect(a.fts.every((hits) => hits.length > 0)).toBe(true);
    expect(a.ftsRows).toEqual(a.items.length ? [[a.items.length]] : []);
    // every deferred index is back, with its own SQL (a partial index keeps its WHERE), and no staging table is left
    expect(schema(built)).toEqual(schema(ingested));
    const names = (schema(built) as Array<[string, string, string]>).filter(([type]) => type === 'index').map(([, name]) => name);
    for (const n of DEFERRED_INDEXES) expect(names).toContain(n);
    expect((schema(built) as Array<[string, string]>).map(([, n]) => n)).not.toContain('items_fts_stage');
    // staged tokens are indexed and deleted chunk by chunk, the pages reused: at most the last chunk's
    // stay free, less than the index takes (staged all at once they took about twice the index)
    const h = new Database(built, { readonly: true });
    try {
      const free = h.pragma('freelist_count', { simple: true }) as number;
      const fts = h.prepare("SELECT count(*) FROM dbstat WHERE name LIKE 'items_fts%'").pluck().get() as number;
      expect(fts).toBeGreaterThan(20);
      expect(free).toBeLessThan(fts);
    } finally {
      h.close();
    }
  }, 180_000);

  it('with chunks of 150 items, the staged items are indexed between files: same answers as ingesting', async () => {
    const { dir, ingested } = await ingestedCorpus('bulk-chunks');
    const built = path.join(dir, 'built.db');
    const was = FTS_CHUNK.items;
    FTS_CHUNK.items = 150;
    try {
      await rebuild(CORPUS, built, { jobs: 1 });
    } finally {
      FTS_CHUNK.items = was;
    }
    expect(content(built)).toEqual(content(ingested));
    const h = new Database(built, { readonly: true });
    try {
      const fts = h.prepare("SELECT count(*) FROM dbstat WHERE name LIKE 'items_fts%'").pluck().get() as number;
      expect(h.pragma('freelist_count', { simple: true }) as number).toBeLessThan(fts);
    } finally {
      h.close();
    }
  }, 180_000);

  it('an incremental rebuild (one file changed) indexes the new rows and drops the old ones', async () => {
    const dir = tmpDir('bulk-incr');
    const corpus = path.join(dir, 'corpus');
    cpSync(CORPUS, corpus, { recursive: true });
    const db = path.join(dir, 'plans.db');
    await rebuild(corpus, db);
    const file = path.join(corpus, `${SEEDS.kunshan}.txt`);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/近视/g, '视力不良'));
    const r = await rebuild(corpus, db);
    expect(r.mode).toBe('incremental');
    const fresh = path.join(dir, 'fresh.db');
    await rebuild(corpus, fresh);
    expect(content(db)).toEqual(content(fresh));
    const h = new Database(db, { readonly: true });
    try {
      const kunshan = (w: string) =>
        h.prepare("SELECT count(*) FROM items_fts f JOIN items i ON i.id = f.rowid JOIN plans p ON p.id = i.plan_id WHERE items_fts MATCH ? AND p.title LIKE '昆山%'").pluck().get(w);
      expect(kunshan('"近视"*')).toBe(0);
      expect(kunshan('"视力"*')).toBeGreaterThan(0);
    } finally {
      h.close();
    }
  }, 180_000);
});

describe('NormCache', () => {
  const text = readFileSync(seed(SEEDS.kunshan), 'utf8');
  const norm = normalize(text, rules, compile(rules).join);

  it('keeps the map as runs and gives it back exactly', () => {
    const r = runs(norm.map);
    // far fewer runs than characters: most of a normalized text maps one for one
    expect(r.length / 2).toBeLessThan(norm.map.length / 5);
    expect(Array.from(unrun(r, norm.map.length))).toEqual(Array.from(norm.map));
    expect(norm.map[norm.map.length - 1]).toBe(text.length);
  });

  it('answers with the normalized text it was given, under the same normalize key only', () => {
    const dir = tmpDir('norm');
    const cache = new NormCache(dir);
    expect(cache.get('ab12', rules)).toBeNull();
    cache.put('ab12', rules, norm);
    const got = cache.get('ab12', rules)!;
    expect(got.text).toBe(norm.text);
    expect(Array.from(got.map)).toEqual(Array.from(norm.map));
    expect(new NormCache(dir, false).get('ab12', rules)).toBeNull(); // --force reads none
    // a rule normalize reads (a heading pattern) changes the key; one it does not read (indicators) does not
    const other = loadRules();
    const headings = { ...other, headings: other.headings.slice(1) };
    const indicators = { ...other, indicators: { ...other.indicators, trail_words: [...other.indicators.trail_words, '仍将'] } };
    expect(normalizeKey(headings)).not.toBe(normalizeKey(rules));
    expect(normalizeKey(indicators)).toBe(normalizeKey(rules));
    expect(new NormCache(dir).get('ab12', headings)).toBeNull();
  });

  it('a rule change outside normalize: every file extracted again from cached normalized text, same database as without any cache', async () => {
    const dir = tmpDir('norm-build');
    const db = path.join(dir, 'out', 'plans.db');
    await rebuild(CORPUS, db, { normCache: normCacheDir(db) });
    const entries = () => cacheEntries(normCacheDir(db));
    const before = entries();
    expect(before).toHaveLength(readdirSync(CORPUS).length);
    // 率 stripped from every indicator name: every file's rows change
    const changed = loadRules(editedRules(dir, 'indicators.yaml', 'name_trail_words: [的目标, ', 'name_trail_words: [的目标, 率, '));
    const r = await rebuild(CORPUS, db, { rules: changed, normCache: normCacheDir(db) });
    expect(r.failed).toBe(0);
    // every document's normalized text came from the cache: no entry was written again
    expect(entries()).toEqual(before);
    const plain = path.join(dir, 'plain.db');
    await rebuild(CORPUS, plain, { rules: changed });
    expect(content(db)).toEqual(content(plain));
    const names = content(plain).targets.map((t) => t[1] as string);
    expect(names).toContain('新生儿死亡'); // the rule change took effect
  }, 180_000);
});

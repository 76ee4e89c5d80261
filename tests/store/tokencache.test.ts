/**
 * Issue 13: the full-text tokens of items are kept by (normalized text, jieba dictionary), so that a
 * rule change that leaves jieba's dictionary alone does not cut every item again. The cached tokens
 * must be exactly jieba's: the same database as a build without the cache.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/batch/tokencache.js';
import { jiebaDictKey, unitModel } from '../../src/extract/units.js';
import { rebuild, tokenCacheDir } from '../../src/index.js';
import { processText, type DocResult } from '../../src/pipeline.js';
import { loadRules } from '../../src/rules/index.js';
import { ftsTokens } from '../../src/store/rows.js';
import { CORPUS, SEEDS, seed, tmpDir } from '../helpers/paths.js';
import { cacheEntries, editedRules } from '../helpers/rules.js';

const rules = loadRules();
const cut = (t: string) => unitModel(rules).cut(t);
const items = (doc: DocResult) => doc.plans.flatMap((p) => p.plan.items);

describe('TokenCache', () => {
  const doc = processText({ text: readFileSync(seed(SEEDS.kunshan), 'utf8'), format: 'txt' }, 'kunshan.txt', rules);
  const key = jiebaDictKey(rules);

  it("answers with jieba's own tokens: cut once, then read from the entry (no cut)", () => {
    const dir = tmpDir('tokens');
    const first = new TokenCache(dir).forDocument(doc.contentHash, key, cut);
    const want = items(doc).map((it) => ftsTokens(it.text, rules));
    expect(items(doc).map((it) => first.tokenize(it.text, it.start, it.end))).toEqual(want);
    expect(first.misses()).toBe(items(doc).length);
    first.save();
    const again = new TokenCache(dir).forDocument(doc.contentHash, key, () => {
      throw new Error('cut called although the entry holds every item');
    });
    expect(items(doc).map((it) => again.tokenize(it.text, it.start, it.end))).toEqual(want);
    expect(again.misses()).toBe(0);
    // one item as stored: 1.城乡儿童健康水平进一步提升… → words of its sentence
    const goal = items(doc).find((it) => it.text.includes('婴儿死亡率'))!;
    expect(again.tokenize(goal.text, goal.start, goal.end).split(' ')).toContain('婴儿');
  });

  it('reads nothing under another dictionary key, with --force, or from an entry that does not fit the text', () => {
    const dir = tmpDir('tokens');
    const c = new TokenCache(dir).forDocument(doc.contentHash, key, cut);
    for (const it of items(doc)) c.tokenize(it.text, it.start, it.end);
    c.save();
    const n = items(doc).length;
    const other = new TokenCache(dir).forDocument(doc.contentHash, 'f'.repeat(64), cut);
    for (const it of items(doc)) other.tokenize(it.text, it.start, it.end);
    expect(other.misses()).toBe(n);
    const forced = new TokenCache(dir, false).forDocument(doc.contentHash, key, cut);
    for (const it of items(doc)) forced.tokenize(it.text, it.start, it.end);
    expect(forced.misses()).toBe(n);
    // a damaged entry: lengths that do not add up to the item's text are cut again, correctly
    const file = readdirSync(path.join(dir, key.slice(0, 16), doc.contentHash.slice(0, 2))).map((f) => path.join(dir, key.slice(0, 16), doc.contentHash.slice(0, 2), f))[0]!;
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { items: Record<string, string> };
    const first = items(doc)[0]!;
    entry.items[`${first.start}:${first.end}`] = '1,1';
    writeFileSync(file, JSON.stringify(entry));
    const damaged = new TokenCache(dir).forDocument(doc.contentHash, key, cut);
    expect(damaged.tokenize(first.text, first.start, first.end)).toBe(ftsTokens(first.text, rules));
    expect(damaged.misses()).toBe(1);
  });
});

describe('a rule change with the token cache', () => {
  it('builds the same database as a build without any cache (every table, the full-text index by word)', async () => {
    const dir = tmpDir('tokens-build');
    const db = path.join(dir, 'out', 'plans.db');
    await rebuild(CORPUS, db, { tokenCache: tokenCacheDir(db) });
    // the entries, one per document, and when they were written
    const entries = () => cacheEntries(tokenCacheDir(db));
    const before = entries();
    expect(before).toHaveLength(readdirSync(CORPUS).length);
    // a rule change that leaves jieba's dictionary alone: one more word stripped from indicator names
    const changed = loadRules(editedRules(dir, 'indicators.yaml', 'trail_words: [稳定, ', 'trail_words: [稳定, 仍将, '));
    expect(jiebaDictKey(changed)).toBe(jiebaDictKey(rules));
    const cached = await rebuild(CORPUS, db, { rules: changed, tokenCache: tokenCacheDir(db) });
    // over a copy of the database: a file that gives the rows stored keeps them
    expect(cached.mode).toBe('incremental');
    // every item was found in the cache: no entry was cut again and rewritten
    expect(entries()).toEqual(before);
    const plain = path.join(dir, 'plain.db');
    await rebuild(CORPUS, plain, { rules: changed });
    const dump = (f: string) => {
      const h = new Database(f, { readonly: true });
      try {
        const words = ['近视', '市卫健委', '妇联', '婴儿', '死亡率', '儿童', '服务'];
        return {
          items: h.prepare('SELECT id, plan_id, text, start FROM items ORDER BY id').raw().all(),
          targets: h.prepare('SELECT id, indicator, value FROM targets ORDER BY id').raw().all(),
          fts: words.map((w) => h.prepare('SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid').pluck().all(w)),
        };
      } finally {
        h.close();
      }
    };
    const a = dump(db);
    const b = dump(plain);
    expect(a.items.length).toBeGreaterThan(500);
    expect(a.fts.every((rows) => rows.length > 0)).toBe(true);
    expect(a).toEqual(b);
  }, 240_000);
});

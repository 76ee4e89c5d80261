/** Every SQL example in the README runs on the seed database and returns rows. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueryDb } from '../../src/query/index.js';
import type { DB } from '../../src/store/db.js';
import { buildSeedDb } from '../helpers/seeddb.js';
import { ROOT } from '../helpers/paths.js';

const blocks = [...readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
let db: DB;
beforeAll(async () => {
  db = openQueryDb((await buildSeedDb()).db);
});
afterAll(() => db?.close());

describe('README SQL examples', () => {
  it('there are some', () => expect(blocks.length).toBeGreaterThanOrEqual(4));
  it.each(blocks.map((b) => [b.split('\n').find((l) => /WHERE/.test(l)) ?? b.slice(0, 60), b]))('%s', (_, sql) => {
    expect(db.prepare(sql).all().length).toBeGreaterThan(0);
  });
});

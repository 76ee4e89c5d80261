/**
 * Paged listings (issue 13): targets, compare, align, indicators, indicators --unmapped and search read
 * one page at a time. A page's rows must be the same slice of the whole listing, its total the whole
 * listing's length, and the CLI's table must say which rows it shows. The corpus plus the 江苏 province
 * plan, so that compare and align have parent plans (several rows per target).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import type { Io } from '../../src/cli/output.js';
import { ingest } from '../../src/index.js';
import {
  alignPlan,
  catalogueCoverage,
  compareIndicator,
  findTargets,
  listIndicators,
  openQueryDb,
  pageIndicators,
  pageUnmapped,
  searchItems,
  unmappedTargets,
} from '../../src/query/index.js';
import type { Page } from '../../src/query/paging.js';
import type { DB } from '../../src/store/db.js';
import { buildSeedDb } from '../helpers/seeddb.js';
import { FIXTURES } from '../helpers/paths.js';

let dbFile: string;
let db: DB;

beforeAll(async () => {
  dbFile = (await buildSeedDb()).db;
  const r = await ingest(dbFile, [path.join(FIXTURES, 'parent', 'jiangsu-children.txt')]);
  expect(r.failed).toBe(0);
  db = openQueryDb(dbFile);
});
afterAll(() => db?.close());

async function cli(...args: string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s + '\n'), err: (s) => err.push(s + '\n'), isTTY: false };
  const code = await main(['node', 'plandb', ...args, '--db', dbFile], io);
  expect(code, err.join('')).toBe(0);
  return out.join('');
}

/** Pages at the start, in the middle, at the very end and past the end of a listing of `n` rows. */
const pagesOf = (n: number): Page[] => [
  { limit: 10, offset: 0 },
  { limit: 7, offset: Math.floor(n / 3) },
  { limit: 10, offset: Math.max(0, n - 4) },
  { limit: 10, offset: n + 5 },
];

/** Every page of `list` is the slice of its whole listing, with the whole listing's length as total. */
function expectSlices<T>(list: (page?: Page) => { rows: T[]; total: number; offset: number }): number {
  const whole = list();
  expect(whole.total).toBe(whole.rows.length);
  expect(whole.offset).toBe(0);
  for (const page of pagesOf(whole.rows.length)) {
    const p = list(page);
    expect(p.total).toBe(whole.rows.length);
    expect(p.offset).toBe(page.offset);
    expect(p.rows).toEqual(whole.rows.slice(page.offset, page.offset! + page.limit!));
  }
  return whole.rows.length;
}

describe('a page is a slice of the whole listing', () => {
  it('targets, with and without filters', () => {
    expect(expectSlices((page) => findTargets(db, { page }))).toBeGreaterThan(300);
    expect(expectSlices((page) => findTargets(db, { indicator: '死亡率', page }))).toBeGreaterThan(10);
    expect(expectSlices((page) => findTargets(db, { indicator: '率', kind: 'goal', page }))).toBeGreaterThan(20);
    expect(expectSlices((page) => findTargets(db, { plan: '衢州', year: 2025, page }))).toBeGreaterThan(20);
    expect(expectSlices((page) => findTargets(db, { unit: '卫健委', page }))).toBeGreaterThan(10);
  });

  it('targets by indicator: the same rows as testing every key (the keys are walked in the index)', () => {
    const all = findTargets(db, { includeRejected: true }).rows;
    const want = all.filter((t) => t.indicator_key.includes('死亡率')).map((t) => t.target_id);
    expect(findTargets(db, { indicator: '死亡率', includeRejected: true }).rows.map((t) => t.target_id)).toEqual(want);
  });

  it('compare: rows per parent plan, the page cut across them; counts of the whole comparison', () => {
    const whole = compareIndicator(db, { indicator: 'H002' });
    // a target has a row per parent plan (the 江苏 plan for 昆山 and 苏州)
    expect(whole.rows.filter((r) => r.parent_plan !== null).length).toBeGreaterThan(0);
    expect(whole.rows.length).toBeGreaterThanOrEqual(whole.targets);
    expect(whole.targets).toBe(new Set(whole.rows.map((r) => r.target_id)).size);
    expect(whole.lines.map((l) => [l.target.target_id, l.verdict])).toEqual(whole.rows.map((r) => [r.target_id, r.verdict]));
    expectSlices((page) => compareIndicator(db, { indicator: 'H002', page }));
    expectSlices((page) => compareIndicator(db, { indicator: '死亡率', page }));
    const first = compareIndicator(db, { indicator: 'H002', page: { limit: 3, offset: 0 } });
    expect([first.targets, first.plans, first.groups, first.lines.length]).toEqual([whole.targets, whole.plans, whole.groups, whole.rows.length]);
  });

  it('align, the catalogue and the unmapped targets', () => {
    const a = alignPlan(db, { plan: '昆山' });
    expect(a.parents.length).toBeGreaterThan(0);
    expect(Object.values(a.counts).reduce((x, y) => x + y, 0)).toBe(a.rows.length);
    expectSlices((page) => alignPlan(db, { plan: '昆山', page }));
    expectSlices((page) => pageIndicators(db, {}, page));
    expect(pageIndicators(db, { domain: '健康' }).rows).toEqual(listIndicators(db, { domain: '健康' }));
    expect(expectSlices((page) => pageUnmapped(db, page))).toBe(unmappedTargets(db).length);
  });

  it('search: a page of the ranked hits, the total counting every hit', () => {
    const whole = searchItems(db, { query: '近视', page: {} });
    expect(whole.total).toBe(whole.rows.length);
    expect(whole.total).toBeGreaterThan(3);
    for (const page of pagesOf(whole.total)) {
      const p = searchItems(db, { query: '近视', page });
      expect(p.total).toBe(whole.total);
      expect(p.rows).toEqual(whole.rows.slice(page.offset, page.offset! + page.limit!));
    }
    // without a page: the best 50, as before
    expect(searchItems(db, { query: '服务' }).rows).toEqual(searchItems(db, { query: '服务', page: {} }).rows.slice(0, 50));
  });

  it('coverage counts every target once', () => {
    const c = catalogueCoverage(db);
    const all = findTargets(db, { includeRejected: true }).rows;
    expect(c).toEqual({
      targets: all.length,
      mapped: all.filter((t) => t.indicator_id !== null).length,
      tableRows: all.filter((t) => t.kind === 'table').length,
      tableMapped: all.filter((t) => t.kind === 'table' && t.indicator_id !== null).length,
    });
  });
});

describe('the CLI shows a page with a footer', () => {
  it('targets: 100 rows by default, --offset for the next page, --all for every row, data outputs whole', async () => {
    const total = findTargets(db).rows.length;
    const first = await cli('targets');
    expect(first).toContain(`(rows 1–100 of ${total.toLocaleString('en-US')}; --offset 100 for the next page, --all for every row)`);
    const next = await cli('targets', '--offset', '100', '--limit', '5');
    expect(next).toContain(`(rows 101–105 of ${total.toLocaleString('en-US')}; --offset 105 for the next page, --all for every row)`);
    expect(await cli('targets', '--all')).toContain(`(${total.toLocaleString('en-US')} rows)`);
    expect(JSON.parse(await cli('targets', '--json'))).toHaveLength(total);
    expect(JSON.parse(await cli('targets', '--json', '--limit', '3', '--offset', '2')).map((t: any) => t.target_id)).toEqual(
      findTargets(db).rows.slice(2, 5).map((t) => t.target_id),
    );
  });

  it('compare keeps the counts of the whole comparison in its title', async () => {
    const whole = compareIndicator(db, { indicator: 'H002' });
    const out = await cli('compare', 'H002', '--limit', '2');
    expect(out).toContain(`: ${whole.targets} targets in ${whole.plans} plans`);
    expect(out).toContain(`(rows 1–2 of ${whole.rows.length}; --offset 2 for the next page, --all for every row)`);
  });

  it('search: 50 hits in every output unless --limit or --all; --offset pages', async () => {
    const whole = searchItems(db, { query: '服务', page: {} });
    expect(whole.total).toBeGreaterThan(50);
    expect(JSON.parse(await cli('search', '服务', '--json'))).toHaveLength(50);
    expect(JSON.parse(await cli('search', '服务', '--json', '--all'))).toHaveLength(whole.total);
    const ids = JSON.parse(await cli('search', '服务', '--json', '--limit', '5', '--offset', '10')).map((r: any) => r.item_id);
    expect(ids).toEqual(whole.rows.slice(10, 15).map((r) => r.item_id));
    expect(await cli('search', '服务')).toContain(`(rows 1–50 of ${whole.total}; --offset 50 for the next page, --all for every row)`);
  });

  it('indicators --unmapped and align say which rows they show', async () => {
    const n = unmappedTargets(db).length;
    expect(await cli('indicators', '--unmapped', '--limit', '4')).toContain(`(rows 1–4 of ${n.toLocaleString('en-US')}; --offset 4 for the next page`);
    const a = alignPlan(db, { plan: '昆山' });
    const out = await cli('align', '昆山', '--limit', '2', '--offset', '1');
    expect(out).toContain(`(rows 2–3 of ${a.rows.length}; --offset 3 for the next page`);
    expect(out).toContain(`${a.counts.missing} missing`);
  });
});

/**
 * Paged web listings (issue 13): /targets, /search, /indicators and /indicators/:id show a page of rows
 * (?offset=, ?size=; WEB_PAGE = 100 rows by default) with prev/next links, their JSON twin says where the page starts
 * and how many rows there are, and ?all=1 downloads every row.
 */
import { WEB_PAGE } from '../../src/serve/params.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareIndicator, findTargets, openQueryDb, pageUnmapped, searchItems } from '../../src/query/index.js';
import type { DB } from '../../src/store/db.js';
import { corpusWithParent, getJson, startSite, type Site } from './helpers.js';

let site: Site;
let db: DB;
beforeAll(async () => {
  site = await startSite({ corpus: corpusWithParent() });
  db = openQueryDb(site.db);
});
afterAll(async () => {
  db?.close();
  await site?.server.close();
});

const get = (p: string) => getJson(`${site.url}${p}`);
const html = async (p: string) => (await fetch(`${site.url}${p}`)).text();
const q = encodeURIComponent;

describe('targets', () => {
  it('a page of ?size= rows from ?offset=, the total over every target, links to the pages around it', async () => {
    const all = findTargets(db).rows;
    const { body } = await get('/targets.json?size=20&offset=40');
    expect(body.targets.map((t: any) => t.target_id)).toEqual(all.slice(40, 60).map((t) => t.target_id));
    expect(body.paging.targets).toEqual({ offset: 40, rows: 20, total: all.length });
    const page = await html('/targets?size=20&offset=40');
    expect(page).toContain(`rows 41–60 of ${all.length.toLocaleString('en-US')}`);
    expect(page).toContain('href="/targets?size=20&amp;offset=20">‹ previous</a>');
    expect(page).toContain('href="/targets?size=20&amp;offset=60">next ›</a>');
    expect(page).toContain(`CSV of all ${all.length.toLocaleString('en-US')}`);
  });

  it('100 rows by default; the CSV of a page has its rows, ?all=1 every row', async () => {
    const all = findTargets(db).rows;
    const { body } = await get('/targets.json');
    expect(all.length).toBeGreaterThan(WEB_PAGE);
    expect(body.targets).toHaveLength(WEB_PAGE);
    expect(body.targets.map((t: any) => t.target_id)).toEqual(all.slice(0, WEB_PAGE).map((t) => t.target_id));
    const csvLines = (t: string) => t.replace(/^\uFEFF/, '').trim().split(/\r\n(?=(?:[^"]*"[^"]*")*[^"]*$)/).length - 1;
    expect(csvLines(await (await fetch(`${site.url}/targets.csv?size=7&offset=3`)).text())).toBe(7);
    expect(csvLines(await (await fetch(`${site.url}/targets.csv?all=1`)).text())).toBe(all.length);
  });

  it('filters keep their paging: the slice of the filtered listing', async () => {
    const all = findTargets(db, { indicator: '率', kind: 'goal' }).rows;
    const { body } = await get(`/targets.json?indicator=${q('率')}&kind=goal&size=5&offset=5`);
    expect(body.targets.map((t: any) => t.target_id)).toEqual(all.slice(5, 10).map((t) => t.target_id));
    expect(body.paging.targets.total).toBe(all.length);
    expect(body.options.years.length).toBeGreaterThan(0);
  });
});

describe('search', () => {
  it('50 hits by default (or ?limit=), ?offset= for the next; the summary counts every hit', async () => {
    const all = searchItems(db, { query: '服务', page: {} });
    expect(all.total).toBeGreaterThan(60);
    const first = await get(`/search.json?q=${q('服务')}`);
    expect(first.body.results).toHaveLength(50);
    expect(first.body.paging.results).toEqual({ offset: 0, rows: 50, total: all.total });
    const next = await get(`/search.json?q=${q('服务')}&limit=10&offset=50`);
    expect(next.body.results.map((r: any) => r.item_id)).toEqual(all.rows.slice(50, 60).map((r) => r.item_id));
    const page = await html(`/search?q=${q('服务')}&offset=50`);
    expect(page).toContain(`${all.total} items`);
    expect(page).toContain(`rows 51–100 of ${all.total}`);
  });
});

describe('indicators', () => {
  it('the unmapped targets page apart (?unmapped_offset=) from the catalogue', async () => {
    const unmapped = pageUnmapped(db);
    const { body } = await get('/indicators.json?size=4&unmapped_offset=8');
    expect(body.unmapped.map((t: any) => t.target_id)).toEqual(unmapped.rows.slice(8, 12).map((t) => t.target_id));
    expect(body.paging.unmapped).toEqual({ offset: 8, rows: 4, total: unmapped.total });
    expect(body.paging.indicators.offset).toBe(0);
    expect(await html('/indicators?size=4&unmapped_offset=8')).toContain('href="/indicators?size=4&amp;unmapped_offset=12">next ›</a>');
  });

  it('an entry: its table paged, the chart and verdict counts over every row', async () => {
    const whole = compareIndicator(db, { indicator: 'H002' });
    const full = (await get('/indicators/H002.json')).body;
    const { body } = await get('/indicators/H002.json?size=3&offset=2');
    expect(body.compare.map((r: any) => [r.target_id, r.verdict])).toEqual(whole.rows.slice(2, 5).map((r) => [r.target_id, r.verdict]));
    expect(body.paging.compare).toEqual({ offset: 2, rows: 3, total: whole.rows.length });
    expect(body.chart).toEqual(full.chart);
    expect(body.verdicts).toEqual(full.verdicts);
    expect(body.targets).toBe(whole.targets);
  });
});

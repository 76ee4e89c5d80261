/**
 * Migration 010-unit-speed (the copies on responsibility_units, the counts kept on units) and the
 * listings read a page at a time: plans, units, unit NAME, gaps. A page must be the same slice of the
 * whole listing, its counts the whole listing's, and the kept counts must stay right when facts are
 * rejected and plans replaced or removed.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { ingest, openDb } from '../../src/index.js';
import { listPlans, listUnits, findGaps, gapSummary, openQueryDb, pageGaps, pageGapSummary, pagePlans, pageUnits, unitItems, unitRowsByRole } from '../../src/query/index.js';
import { settleUnitCounts, type DB } from '../../src/store/db.js';
import { captureIo } from '../helpers/io.js';
import { buildSeedDb } from '../helpers/seeddb.js';
import { SEEDS, seed, tmpDir } from '../helpers/paths.js';

let dbFile: string;
beforeAll(async () => {
  dbFile = (await buildSeedDb()).db;
});

/** What the copies and counts of migration 010 should hold, computed from the rows themselves. */
function disagreements(db: DB) {
  const copies = db
    .prepare(
      `SELECT ru.rowid FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id JOIN items i ON i.id = r.item_id
       WHERE ru.plan_id IS NOT r.plan_id OR ru.item_id IS NOT r.item_id OR ru.role IS NOT r.role OR ru.live IS NOT (r.status <> 'rejected')
          OR ru.item_start IS NOT i.start
          OR ru.item_targets IS NOT (SELECT count(*) FROM targets t WHERE t.item_id = i.id AND t.status <> 'rejected')
          OR ru.key_first IS NOT (r.status <> 'rejected' AND NOT EXISTS (SELECT 1 FROM responsibility_units x JOIN responsibilities xr ON xr.id = x.responsibility_id
               WHERE x.unit_id = ru.unit_id AND xr.item_id = r.item_id AND xr.role = r.role AND x.name = ru.name AND xr.status <> 'rejected' AND x.rowid < ru.rowid))`,
    )
    .pluck()
    .all();
  const counts = db
    .prepare(
      `SELECT u.id FROM units u WHERE
         u.n_lead IS NOT (SELECT count(DISTINCT r.id) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.status <> 'rejected' AND r.role = 'lead')
      OR u.n_support IS NOT (SELECT count(DISTINCT r.id) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.status <> 'rejected' AND r.role = 'support')
      OR u.n_responsible IS NOT (SELECT count(DISTINCT r.id) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.status <> 'rejected' AND r.role = 'responsible')
      OR u.n_items IS NOT (SELECT count(DISTINCT r.item_id) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.status <> 'rejected')
      OR u.n_targets IS NOT (SELECT count(DISTINCT t.id) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id
           JOIN targets t ON t.item_id = r.item_id WHERE ru.unit_id = u.id AND r.status <> 'rejected' AND t.status <> 'rejected')`,
    )
    .pluck()
    .all();
  const dirty = db.prepare('SELECT count(*) FROM unit_dirty').pluck().get();
  return { copies, counts, dirty };
}

describe('migration 010-unit-speed', () => {
  it('copies and counts written with the rows match the rows', () => {
    const db = openDb(dbFile, { readonly: true });
    expect(disagreements(db)).toEqual({ copies: [], counts: [], dirty: 0 });
    expect(db.prepare('SELECT count(*) FROM units WHERE n_items > 0').pluck().get()).toBeGreaterThan(100);
    db.close();
  });

  it('stay right when facts are rejected, plans replaced and removed', async () => {
    const file = path.join(tmpDir('unit-speed'), 'plans.db');
    copyFileSync(dbFile, file);
    let db = openDb(file);
    const before = listUnits(db);
    db.prepare("UPDATE targets SET status = 'rejected' WHERE id IN (SELECT id FROM targets ORDER BY id LIMIT 40)").run();
    db.prepare("UPDATE responsibilities SET status = 'rejected' WHERE id IN (SELECT id FROM responsibilities ORDER BY id LIMIT 20)").run();
    // changed rows mark their units; until a writer recounts, the unit list counts them from the rows
    expect(disagreements(db).copies).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM unit_dirty').pluck().get()).toBeGreaterThan(0);
    const live = listUnits(db);
    expect(live).not.toEqual(before);
    settleUnitCounts(db);
    expect(disagreements(db)).toEqual({ copies: [], counts: [], dirty: 0 });
    expect(listUnits(db)).toEqual(live);
    db.close();
    // re-ingesting files replaces their plans (cascading deletes, then inserts)
    const report = await ingest(file, [seed(SEEDS.quzhou), seed(SEEDS.kunshan)]);
    expect(report.failed).toBe(0);
    db = openDb(file);
    expect(disagreements(db)).toEqual({ copies: [], counts: [], dirty: 0 });
    db.close();
  });
});

describe('a page of a listing is the same slice of the whole listing', () => {
  it('unit NAME: a body of every government, one unit, one role', () => {
    const db = openQueryDb(dbFile);
    for (const [name, role] of [['卫健委', undefined], ['昆山市卫健委', undefined], ['教育局', 'lead'], ['妇联', 'responsible']] as const) {
      const all = unitItems(db, { name, role });
      expect(all.total).toBe(all.rows.length);
      expect(all.items).toBe(new Set(all.rows.map((r) => r.item_id)).size);
      expect(all.targets).toBe(all.rows.filter((r) => r.target_id !== null).length);
      expect(all.rows.length, name).toBeGreaterThan(10);
      for (const [offset, limit] of [[0, 10], [3, 7], [all.total - 5, 10], [all.total + 3, 10]]) {
        const page = unitItems(db, { name, role, page: { offset, limit } });
        expect(page.rows, `${name} ${offset}`).toEqual(all.rows.slice(offset, offset + limit));
        expect([page.total, page.items, page.targets, page.offset]).toEqual([all.total, all.items, all.targets, offset]);
      }
      // rows by plan (then in document order), each item's rows together
      const plans = all.rows.map((r) => r.plan_id);
      expect(plans).toEqual([...plans].sort((a, b) => a - b));
      const runs = all.rows.map((r) => r.item_id).filter((id, k, ids) => k === 0 || ids[k - 1] !== id);
      expect(runs.length).toBe(all.items);
    }
    const byRole = unitRowsByRole(db, unitItems(db, { name: '卫健委' }).unit);
    for (const role of ['lead', 'support', 'responsible']) expect(byRole[role] ?? 0).toBe(unitItems(db, { name: '卫健委', role }).total);
    db.close();
  });

  it('units, plans and gaps', () => {
    const db = openQueryDb(dbFile);
    const units = listUnits(db);
    expect(pageUnits(db, {}, { offset: 50, limit: 25 })).toEqual({ rows: units.slice(50, 75), offset: 50, total: units.length });
    const named = units.filter((u) => u.unit.includes('卫健') || u.aliases.split('、').some((a) => a.includes('卫健')));
    expect(named.length).toBeGreaterThan(2);
    expect(pageUnits(db, { q: '卫健' }).rows).toEqual(named);
    expect(pageUnits(db, { government: '昆山市' }, { limit: 5 }).rows).toEqual(units.filter((u) => u.government === '昆山市').slice(0, 5));
    const plans = listPlans(db);
    expect(pagePlans(db, { offset: 2, limit: 3 })).toEqual({ rows: plans.slice(2, 5), offset: 2, total: 7 });
    const gaps = findGaps(db);
    expect(gaps.length).toBeGreaterThan(100);
    expect(pageGaps(db, {}, { offset: 90, limit: 20 })).toEqual({ rows: gaps.slice(90, 110), offset: 90, total: gaps.length });
    const goals = findGaps(db, { kind: 'goal' });
    expect(pageGaps(db, { kind: '目标' }, { limit: 5 }).rows).toEqual(goals.slice(0, 5));
    const summary = gapSummary(db);
    expect(pageGapSummary(db, {}, { offset: 1, limit: 2 })).toEqual({ rows: summary.slice(1, 3), offset: 1, total: summary.length });
    expect(summary.reduce((n, s) => n + s.gaps, 0)).toBe(gaps.length);
    db.close();
  });
});

async function run(...args: string[]) {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args, '--db', dbFile], io);
  return { code, out: io.text(), err: io.errText() };
}

describe('plandb --limit / --offset / --all', () => {
  it('a table shows 100 rows and says how to see the next ones; --json gives every row', async () => {
    const all = JSON.parse((await run('gaps', '--json')).out) as Array<{ item_id: number; item: string }>;
    expect(all.length).toBeGreaterThan(100);
    const table = (await run('gaps')).out.split('\n');
    expect(table.at(-1)).toBe(`(rows 1–100 of ${all.length}; --offset 100 for the next page, --all for every row)`);
    expect(table.length).toBe(2 + 100 + 1);
    const whole = (await run('gaps', '--all')).out.split('\n');
    expect(whole.at(-1)).toBe(`(${all.length} rows)`);
    expect(whole.length).toBe(2 + all.length + 1);
    // a page of a unit's rows: the same items as the JSON's slice, in the same order
    const wjw = JSON.parse((await run('unit', '卫健委', '--json')).out) as Array<{ item_text: string; plan: string }>;
    const page = await run('unit', '卫健委', '--offset', '5', '--limit', '4', '--wide');
    const lines = page.out.split('\n');
    expect(lines.at(-1)).toBe(`(rows 6–9 of ${wjw.length}; --offset 9 for the next page, --all for every row)`);
    const body = lines.slice(3, -1);
    expect(body).toHaveLength(4);
    body.forEach((l, k) => expect(l).toContain(wjw[5 + k]!.item_text.replace(/\s+/g, ' ').slice(0, 20)));
    expect((await run('unit', '卫健委', '--json', '--limit', '3')).out).toBe(JSON.stringify(wjw.slice(0, 3), null, 2));
  });

  it('refuses bad paging options with one line', async () => {
    expect(await run('units', '--all', '--limit', '5')).toMatchObject({ code: 2, err: expect.stringContaining('choose one of --all, --limit') });
    expect(await run('plans', '--offset', 'x')).toMatchObject({ code: 2, err: expect.stringContaining("--offset must be a whole number from 0 to 1000000000, got 'x'") });
    expect(await run('plans', '--limit', '0')).toMatchObject({ code: 2, err: expect.stringContaining("--limit must be a whole number from 1 to 100000, got '0'") });
  });
});

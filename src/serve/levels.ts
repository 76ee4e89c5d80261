/**
 * Governments of plans, for the indicator chart: each plan's level of government from its division
 * (plans.division_code → divisions.level, GB/T 2260). A plan whose region resolved to no division (a
 * place the dataset does not know) gets its level from the region name's suffix (省 → province,
 * 市 → city, 县/区/旗 → county), else 'other'. Parent plans and their targets come from `compare`.
 */
import type { DB } from '../store/db.js';

export const LEVELS = ['national', 'province', 'city', 'county', 'other'] as const;
export type Level = (typeof LEVELS)[number];

export function levelOfRegion(region: string | null | undefined): Level {
  const r = (region ?? '').trim();
  if (!r) return 'other';
  if (/^(全国|国家|中国)/.test(r)) return 'national';
  if (/(省|自治区)$/.test(r) || /^(北京|天津|上海|重庆)市$/.test(r)) return 'province';
  if (/(县|区|旗)$/.test(r)) return 'county';
  if (/(市|州|盟)$/.test(r)) return 'city';
  return 'other';
}

const DIVISION_LEVEL: Record<string, Level> = { country: 'national', province: 'province', city: 'city', county: 'county' };

export interface PlanGovernment {
  id: number;
  /** region, or the division's name when the plan has no region (a province's own plan) */
  government: string;
  subject: string | null;
  level: Level;
  code: string | null;
}

/** plan id → level and government name, for every plan (or only the plans `ids`: a page about some plans need not read thousands). */
export function planGovernments(db: DB, ids?: number[]): Map<number, PlanGovernment> {
  const rows = db
    .prepare(
      `SELECT p.id, coalesce(p.region, d.name) AS government, p.subject, d.level, p.division_code AS code
       FROM plans p LEFT JOIN divisions d ON d.code = p.division_code${ids ? ' WHERE p.id IN (SELECT value FROM json_each(?))' : ''}`,
    )
    // rows as arrays: thousands of plans, and better-sqlite3's row objects cost twice as much
    .raw(true)
    .all(...(ids ? [JSON.stringify([...new Set(ids)])] : [])) as Array<[number, string | null, string | null, string | null, string | null]>;
  return new Map(
    rows.map(([id, government, subject, level, code]) => [
      id,
      { id, government: government ?? '', subject, level: (level && DIVISION_LEVEL[level]) || levelOfRegion(government), code },
    ]),
  );
}

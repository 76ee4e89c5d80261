/**
 * Government level of a plan, for grouping the indicator chart. Uses the database's own level column when
 * a migration provides one; otherwise reads the region name's suffix (省 → province, 市 → city,
 * 县/区/旗 → county). A county-level city (昆山市) reads as a city there: the name alone cannot tell.
 */
import type { DB } from '../store/db.js';
import type { Capabilities } from './context.js';

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

/** plan id → level for every plan. */
export function planLevels(db: DB, caps: Capabilities): Map<number, Level> {
  const col = ['level', 'gov_level', 'region_level'].find((c) => caps.has('plans', c));
  const rows = db.prepare(`SELECT id, region${col ? `, ${col} AS level` : ''} FROM plans`).all() as Array<{ id: number; region: string | null; level?: string | null }>;
  return new Map(rows.map((r) => [r.id, (LEVELS as readonly string[]).includes(r.level ?? '') ? (r.level as Level) : levelOfRegion(r.region)]));
}

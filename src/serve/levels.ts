/**
 * Governments of plans, for the indicator chart: each plan's level and the plans of its parent governments.
 * With the divisions of the indicators-and-units migration (plans.division_code / division_chain and the
 * divisions table, GB/T 2260), levels and parents come from there. Without them, the level is read from the
 * region name's suffix (省 → province, 市 → city, 县/区/旗 → county; a county-level city such as 昆山市 then
 * reads as a city) and no parent is known.
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

const DIVISION_LEVEL: Record<string, Level> = { country: 'national', province: 'province', city: 'city', county: 'county' };

export interface PlanGovernment {
  id: number;
  /** region, or the division's name when the plan has no region (a province's own plan) */
  government: string;
  subject: string | null;
  level: Level;
  /** division codes of the parent governments, nearest first ([] when unknown) */
  parents: string[];
  code: string | null;
}

/** plan id → level, government name and parent divisions, for every plan. */
export function planGovernments(db: DB, caps: Capabilities): Map<number, PlanGovernment> {
  const divisions = caps.has('plans', 'division_code') && caps.has('divisions', 'level');
  const rows = db
    .prepare(
      divisions
        ? `SELECT p.id, coalesce(p.region, d.name) AS government, p.subject, d.level, p.division_code AS code, ${caps.has('plans', 'division_chain') ? 'p.division_chain' : 'NULL'} AS chain
           FROM plans p LEFT JOIN divisions d ON d.code = p.division_code`
        : 'SELECT id, region AS government, subject, NULL AS level, NULL AS code, NULL AS chain FROM plans',
    )
    .all() as Array<{ id: number; government: string | null; subject: string | null; level: string | null; code: string | null; chain: string | null }>;
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        government: r.government ?? '',
        subject: r.subject,
        level: (r.level && DIVISION_LEVEL[r.level]) || levelOfRegion(r.government),
        parents: (r.chain ?? '').split('/').filter((c) => c && c !== r.code),
        code: r.code,
      },
    ]),
  );
}

/**
 * The plan of the nearest parent government that has a target for the same indicator (the same subject
 * preferred): `valueOf(planId)` gives that plan's value or undefined.
 */
export function parentPlan(gov: PlanGovernment, all: Map<number, PlanGovernment>, valueOf: (planId: number) => number | undefined): { plan_id: number; value: number } | null {
  for (const code of gov.parents) {
    const there = [...all.values()].filter((p) => p.code === code).sort((a, b) => Number(b.subject === gov.subject) - Number(a.subject === gov.subject));
    for (const p of there) {
      const v = valueOf(p.id);
      if (v !== undefined) return { plan_id: p.id, value: v };
    }
  }
  return null;
}

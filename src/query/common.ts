/** Shared lookups for the query functions: headings, plans and units by name, target formatting. */
import { PlandbError } from '../errors.js';
import type { Rules } from '../rules/index.js';
import { openReadDb, type DB } from '../store/read.js';
import { unitCanonicalizer } from './unit-names.js';

/** Opens the database read-only; a missing file gives openDb's one-line error. */
export function openQueryDb(file: string): DB {
  return openReadDb(file);
}

export function withQueryDb<T>(file: string, fn: (db: DB) => T): T {
  const db = openQueryDb(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Raised when a name matches nothing: printed as one line, exit code 1. */
export class NotFoundError extends Error {}

// ------------------------------------------------------------ headings

export interface HeadingLabel {
  /** markers of the ancestors then the heading itself: 三、（一）儿童健康 */
  heading: string;
  /** every heading with its title: 三、优先发展领域和目标策略 / （一）儿童健康 */
  heading_path: string;
}

const headingCache = new WeakMap<DB, Map<number, HeadingLabel>>();

/** Display labels for every section of the database (computed once per connection). */
export function headingLabels(db: DB): Map<number, HeadingLabel> {
  const hit = headingCache.get(db);
  if (hit) return hit;
  const rows = db.prepare('SELECT id, heading, heading_path FROM sections').all() as Array<{ id: number } & HeadingLabel>;
  const out = new Map(rows.map((r) => [r.id, { heading: r.heading, heading_path: r.heading_path }]));
  headingCache.set(db, out);
  return out;
}

/** Above this many distinct sections, one read of every label beats looking each one up. */
const LOOKUP_MAX = 2000;

/**
 * Adds `heading` and `heading_path` to rows that carry a `section_id` (the labels migration
 * 009-query-speed stores with every section; only the sections the rows name are read).
 */
export function withHeadings<T extends { section_id?: number | null }>(db: DB, rows: T[]): Array<T & HeadingLabel> {
  let labels = headingCache.get(db);
  if (!labels) {
    const ids = [...new Set(rows.map((r) => r.section_id).filter((id): id is number => id != null))];
    if (ids.length > LOOKUP_MAX) labels = headingLabels(db);
    else {
      const got = ids.length
        ? (db.prepare('SELECT id, heading, heading_path FROM sections WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as Array<{ id: number } & HeadingLabel>)
        : [];
      labels = new Map(got.map((r) => [r.id, { heading: r.heading, heading_path: r.heading_path }]));
    }
  }
  const found = labels;
  return rows.map((r) => {
    const l = r.section_id != null ? found.get(r.section_id) : undefined;
    return { ...r, heading: l?.heading ?? '', heading_path: l?.heading_path ?? '' };
  });
}

// ------------------------------------------------------------ plans

export interface PlanRef {
  id: number;
  title: string;
  region: string | null;
}

const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/** Plans whose id is `text` or whose title (or region) contains every space-separated part of `text`. */
export function matchPlans(db: DB, text: string): PlanRef[] {
  const plans = db.prepare('SELECT id, title, region FROM plans ORDER BY id').all() as PlanRef[];
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const byId = plans.filter((p) => p.id === Number(t));
    if (byId.length) return byId;
  }
  const exact = plans.filter((p) => norm(p.title) === norm(t));
  if (exact.length) return exact;
  const parts = t.split(/\s+/).map(norm).filter(Boolean);
  if (!parts.length) return [];
  return plans.filter((p) => parts.every((q) => norm(`${p.title} ${p.region ?? ''}`).includes(q)));
}

const listPlans = (ps: PlanRef[]) => ps.map((p) => `${p.id} ${p.title}`).join('; ');

/** Exactly one plan, or a one-line error listing the candidates. */
export function resolvePlan(db: DB, text: string): PlanRef {
  const ps = matchPlans(db, text);
  if (ps.length === 1) return ps[0]!;
  if (!ps.length) throw new NotFoundError(`no plan matches '${text}' (see plandb plans)`);
  throw new PlandbError('USAGE', `'${text}' matches ${ps.length} plans: ${listPlans(ps)}; give the id or more of the title`);
}

/** One or more plans (a filter may match several), or an error when none matches. */
export function resolvePlans(db: DB, text: string): PlanRef[] {
  const ps = matchPlans(db, text);
  if (!ps.length) throw new NotFoundError(`no plan matches '${text}' (see plandb plans)`);
  return ps;
}

// ------------------------------------------------------------ units

export interface UnitRef {
  id: number;
  canonical: string;
  government?: string | null;
  body?: string | null;
}

/** The units a name stands for, and how to call them together (市卫健委: the 卫健委 of every city). */
export interface UnitGroup {
  label: string;
  units: UnitRef[];
}

const LEVEL = /^(?:省|市|县|区)(?![场级属直辖])/u;

/**
 * Finds the units a name means. A qualified name (昆山市卫健委) or an alias written in one plan is one
 * unit; a plain body (卫健委) is that body of every government, grouped; a body with a level
 * (市卫健委, 市卫生健康委员会) is that body of every government at the level; `region` keeps only
 * the governments whose name contains it. A part of a name that fits one body groups its units;
 * parts of different bodies give a one-line error listing the candidates.
 */
export function resolveUnits(db: DB, name: string, opts: { region?: string; rules?: Rules } = {}): UnitGroup {
  const n = name.replace(/\s+/g, '');
  if (!n) throw new PlandbError('USAGE', 'empty unit name');
  const sel = 'SELECT u.id, u.canonical, u.government, u.body FROM units u';
  const region = opts.region?.replace(/\s+/g, '');
  const inRegion = (u: UnitRef) => !region || (u.government ?? u.canonical).includes(region);
  const done = (label: string, units: UnitRef[]): UnitGroup | null => {
    const us = units.filter(inRegion);
    if (!us.length) return null;
    return { label: us.length === 1 ? us[0]!.canonical : label, units: us };
  };
  // a qualified name: 昆山市卫健委 (as given: no need of the rules' canonical names)
  const exact = done(n, db.prepare(`${sel} WHERE u.canonical = ?`).all(n) as UnitRef[]);
  if (exact) return exact;
  const canon = unitCanonicalizer(opts.rules)(n);
  if (canon !== n) {
    const hit = done(canon, db.prepare(`${sel} WHERE u.canonical = ?`).all(canon) as UnitRef[]);
    if (hit) return hit;
  }
  // a body, with or without its level: 卫健委, 市卫健委
  for (const k of new Set([canon, n])) {
    const lm = LEVEL.exec(k);
    const body = lm ? k.slice(lm[0].length) : k;
    let units = db.prepare(`${sel} WHERE u.body = ? ORDER BY u.canonical`).all(body) as UnitRef[];
    if (lm) units = units.filter((u) => (u.government ?? '').endsWith(lm[0]) || (u.government ?? '').includes(`·${lm[0]}`));
    const hit = done(k, units);
    if (hit) return hit;
  }
  // a name as written in some plan (any alias)
  for (const k of new Set([n, canon])) {
    const hit = done(k, db.prepare(`${sel} WHERE u.id IN (SELECT unit_id FROM unit_aliases WHERE alias = ?) ORDER BY u.canonical`).all(k) as UnitRef[]);
    if (hit) return hit;
  }
  // part of a name
  const hits = (
    db
      .prepare(
        `SELECT DISTINCT u.id, u.canonical, u.government, u.body FROM units u LEFT JOIN unit_aliases a ON a.unit_id = u.id
         WHERE instr(u.canonical, @n) OR instr(a.alias, @n) OR instr(u.canonical, @c) OR instr(a.alias, @c) ORDER BY u.canonical`,
      )
      .all({ n, c: canon }) as UnitRef[]
  ).filter(inRegion);
  if (!hits.length) throw new NotFoundError(`no unit matches '${name}'${region ? ` in ${region}` : ''} (see plandb units)`);
  const bodies = [...new Set(hits.map((u) => u.body ?? u.canonical))];
  if (bodies.length === 1) return { label: hits.length === 1 ? hits[0]!.canonical : bodies[0]!, units: hits };
  const shown = hits.slice(0, 12).map((u) => u.canonical).join('、');
  throw new PlandbError('USAGE', `'${name}' matches ${hits.length} units: ${shown}${hits.length > 12 ? '…' : ''}; give more of the name`);
}

// ------------------------------------------------------------ targets

export { formatTarget } from './target-text.js';

export const ROLES = ['lead', 'support', 'responsible'] as const;
export type Role = (typeof ROLES)[number];
export const TARGET_KINDS = ['goal', 'measure', 'table', 'task'] as const;

/** Chinese words accepted on the command line for a role or a kind (the English names keep working). */
export const ROLE_WORDS: Record<string, Role> = { 牵头: 'lead', 牵头单位: 'lead', 配合: 'support', 配合单位: 'support', 参与: 'support', 参与单位: 'support', 协同: 'support', 责任: 'responsible', 责任单位: 'responsible' };
export const KIND_WORDS: Record<string, string> = { 目标: 'goal', 主要目标: 'goal', 措施: 'measure', 策略措施: 'measure', 任务: 'task', 指标: 'table', 指标表: 'table' };

/** A --kind value in English or Chinese, checked against `allowed`. */
export function checkKind(kind: string | undefined, allowed: readonly string[], option = '--kind'): string | undefined {
  if (kind === undefined) return undefined;
  const k = KIND_WORDS[kind.trim()] ?? kind.trim();
  if (!allowed.includes(k)) {
    const zh = Object.entries(KIND_WORDS).filter(([, v]) => allowed.includes(v)).map(([w, v]) => `${w}=${v}`).join(', ');
    throw new PlandbError('USAGE', `${option} must be one of ${allowed.join(', ')} (or ${zh}) (got '${kind}')`);
  }
  return k;
}

/** Where a row sits: its plan and heading (shared by target and unit-item rows). */
export interface PlacedRow {
  plan_id: number;
  plan: string;
  region: string | null;
  section_id: number | null;
  heading: string;
  heading_path: string;
}

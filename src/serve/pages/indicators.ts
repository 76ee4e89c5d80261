/**
 * /indicators and /indicators/:id — the indicator catalogue (when the database has one: the indicators table
 * and targets.indicator_id) or else the indicator names as extracted; one indicator across plans with a chart.
 */
import { COMPARE_COLUMNS, formatTarget, withHeadings, type Column, type TargetRow } from '../../query/index.js';
import { indicatorKey, type DB } from '../../store/db.js';
import type { Router } from '../app.js';
import type { Capabilities } from '../context.js';
import { notFound } from '../errors.js';
import { stmt, visibleSql } from '../facts.js';
import { LEVELS, parentPlan, planGovernments, type Level } from '../levels.js';
import { text } from '../params.js';
import type { Page } from '../render.js';

const NAME_COLUMNS: Column[] = [
  { key: 'indicator', max: 40 },
  { key: 'targets', align: 'right' },
  { key: 'plans', align: 'right' },
  { key: 'units' },
  { key: 'years' },
  { key: 'names', only: 'data' },
  { key: 'indicator_key', only: 'data' },
];

const CATALOGUE_COLUMNS: Column[] = [
  { key: 'indicator_id', header: 'id' },
  { key: 'indicator', max: 40 },
  { key: 'domain' },
  { key: 'unit' },
  { key: 'better' },
  { key: 'targets', align: 'right' },
  { key: 'plans', align: 'right' },
];

export interface ChartPoint {
  target_id: number;
  plan_id: number;
  label: string;
  level: Level;
  op: string;
  value: number;
  value2: number | null;
  unit: string;
  year: number | null;
  target: string;
  /** the target of the same indicator in the plan of the nearest parent government, when the database has one */
  parent: { plan_id: number; label: string; value: number } | null;
}

const hasCatalogue = (caps: Capabilities) => caps.has('indicators', 'id') && caps.has('targets', 'indicator_id');

/** Extracted indicator names (by normalised key) with counts; only those outside the catalogue when `unmapped`. */
function indicatorNames(db: DB, caps: Capabilities, unmapped: boolean) {
  return stmt(
    db,
    `SELECT t.indicator_key,
       (SELECT t2.indicator FROM targets t2 WHERE t2.indicator_key = t.indicator_key GROUP BY t2.indicator ORDER BY count(*) DESC, t2.indicator LIMIT 1) AS indicator,
       count(DISTINCT t.indicator) AS names, count(*) AS targets, count(DISTINCT t.plan_id) AS plans,
       coalesce(group_concat(DISTINCT t.unit), '') AS units, coalesce(group_concat(DISTINCT t.effective_year), '') AS years
     FROM targets t WHERE 1 = 1${unmapped ? ' AND t.indicator_id IS NULL' : ''}${visibleSql(caps, 'targets', 't', false)}
     GROUP BY t.indicator_key ORDER BY plans DESC, targets DESC, t.indicator_key`,
  ).all() as Array<{ indicator_key: string; indicator: string; targets: number; plans: number }>;
}

export function registerIndicators(r: Router): void {
  r.page('/indicators', (ctx, req): Page => {
    const db = ctx.dbs.get();
    const caps = ctx.dbs.capabilities();
    const q = text(req.query.q);
    const k = q ? indicatorKey(q) : '';
    const byName = (rows: Array<{ indicator_key: string }>) => (q ? rows.filter((x) => x.indicator_key.includes(k)) : rows);
    const nameLink = { indicator: (x: Record<string, unknown>) => `/indicators/${encodeURIComponent(String(x.indicator_key))}` };
    if (!hasCatalogue(caps)) {
      const rows = byName(indicatorNames(db, caps, false));
      return {
        view: 'indicators',
        title: 'Indicators',
        data: { q: q ?? '', catalogue: false, total: rows.length },
        tables: { indicators: { rs: { columns: NAME_COLUMNS, rows, sheet: 'indicators' }, links: nameLink } },
      } satisfies Page;
    }
    let catalogue = stmt(
      db,
      `SELECT ind.id AS indicator_id, ind.name AS indicator, ind.domain, ind.unit, ind.better,
         count(t.id) AS targets, count(DISTINCT t.plan_id) AS plans
       FROM indicators ind LEFT JOIN targets t ON t.indicator_id = ind.id${visibleSql(caps, 'targets', 't', false)}
       GROUP BY ind.id ORDER BY plans DESC, targets DESC, ind.id`,
    ).all() as Array<{ indicator_id: string; indicator: string; domain: string }>;
    if (q) catalogue = catalogue.filter((x) => indicatorKey(x.indicator).includes(k) || x.domain === q || x.indicator_id.toLowerCase() === k);
    const unmapped = byName(indicatorNames(db, caps, true));
    return {
      view: 'indicators',
      title: 'Indicators',
      data: { q: q ?? '', catalogue: true, total: catalogue.length },
      tables: {
        indicators: {
          rs: { columns: CATALOGUE_COLUMNS, rows: catalogue, sheet: 'catalogue' },
          links: { indicator: (x) => `/indicators/${encodeURIComponent(String(x.indicator_id))}` },
        },
        unmapped: { rs: { columns: NAME_COLUMNS, rows: unmapped, sheet: 'unmapped' }, links: nameLink },
      },
    } satisfies Page;
  });

  r.page('/indicators/:key', (ctx, req) => {
    const raw = req.params.key ?? '';
    const db = ctx.dbs.get();
    const caps = ctx.dbs.capabilities();
    const entry = hasCatalogue(caps)
      ? (stmt(db, 'SELECT id, name, unit, better, domain FROM indicators WHERE id = ?').get(raw) as
          { id: string; name: string; unit: string | null; better: string; domain: string } | undefined)
      : undefined;
    const key = indicatorKey(raw);
    if (!entry && !key) throw notFound('no indicator');
    const rows = withHeadings(
      db,
      stmt(
        db,
        `SELECT t.id AS target_id, p.id AS plan_id, p.title AS plan, p.region, p.subject, t.section_id, t.kind, t.indicator, t.indicator_key,
           t.op, t.value, t.value2, t.unit, t.year, t.effective_year, t.baseline, t.baseline_year, t.quote, t.page, t.item_id
         FROM targets t JOIN plans p ON p.id = t.plan_id WHERE ${entry ? 't.indicator_id' : 't.indicator_key'} = ?${visibleSql(caps, 'targets', 't', false)}
         ORDER BY p.region, p.id, t.start`,
      ).all(entry ? entry.id : key) as Array<TargetRow & { subject: string | null }>,
    );
    if (!rows.length && !entry) throw notFound(`no target has the indicator '${raw}'`);
    const govs = planGovernments(db, caps);
    // chart one unit: the catalogue's, else the one most targets use; values in other units are listed, not drawn
    const unitCount = new Map<string, number>();
    for (const x of rows) if (x.value !== null) unitCount.set(x.unit ?? '', (unitCount.get(x.unit ?? '') ?? 0) + 1);
    const unit = entry?.unit && unitCount.has(entry.unit) ? entry.unit : ([...unitCount].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '');
    const drawn = rows.filter((x) => x.value !== null && (x.unit ?? '') === unit);
    const label = (planId: number, year: number | null) => {
      const g = govs.get(planId);
      return [g?.government, g?.subject, year].filter(Boolean).join(' ');
    };
    const valueOf = (planId: number) => drawn.find((x) => x.plan_id === planId)?.value ?? undefined;
    const points: ChartPoint[] = drawn
      .map((x) => {
        const gov = govs.get(x.plan_id);
        const parent = gov ? parentPlan(gov, govs, valueOf) : null;
        return {
          target_id: x.target_id,
          plan_id: x.plan_id,
          label: label(x.plan_id, x.effective_year) || x.plan,
          level: gov?.level ?? 'other',
          op: x.op,
          value: x.value!,
          value2: x.value2,
          unit,
          year: x.effective_year,
          target: formatTarget(x),
          parent: parent ? { ...parent, label: label(parent.plan_id, null) } : null,
        };
      })
      .sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || a.label.localeCompare(b.label, 'zh'));
    const indicator = entry?.name ?? rows[0]!.indicator;
    const withLevel = rows.map((x) => ({ ...x, level: govs.get(x.plan_id)?.level ?? 'other' }));
    return {
      view: 'indicator',
      title: indicator,
      crumbs: [['Indicators', '/indicators']],
      data: {
        indicator_key: entry ? null : key,
        indicator_id: entry?.id ?? null,
        catalogue: entry ?? null,
        indicator,
        names: [...new Set(rows.map((x) => x.indicator))],
        plans: new Set(rows.map((x) => x.plan_id)).size,
        chart: { unit, points, levels: LEVELS.filter((l) => points.some((p) => p.level === l)), left_out: rows.length - points.length },
      },
      tables: {
        targets: {
          rs: { columns: [...COMPARE_COLUMNS.slice(0, 2), { key: 'level' }, ...COMPARE_COLUMNS.slice(2)], rows: withLevel, sheet: 'targets' },
          links: { plan: (x) => `/plans/${x.plan_id}`, target: (x) => `/plans/${x.plan_id}/source#t${x.target_id}` },
        },
      },
    } satisfies Page;
  });
}

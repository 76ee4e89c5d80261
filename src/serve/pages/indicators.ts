/** /indicators (every indicator with counts) and /indicators/:key (one indicator across plans, with a chart). */
import { COMPARE_COLUMNS, formatTarget, withHeadings, type Column, type TargetRow } from '../../query/index.js';
import { indicatorKey } from '../../store/db.js';
import type { Router } from '../app.js';
import { notFound } from '../errors.js';
import { stmt, visibleSql } from '../facts.js';
import { LEVELS, planLevels, type Level } from '../levels.js';
import { text } from '../params.js';
import type { Page } from '../render.js';

interface IndicatorRow {
  indicator_key: string;
  indicator: string;
  names: number;
  targets: number;
  plans: number;
  units: string;
  years: string;
}

const INDICATOR_COLUMNS: Column[] = [
  { key: 'indicator', max: 40 },
  { key: 'targets', align: 'right' },
  { key: 'plans', align: 'right' },
  { key: 'units' },
  { key: 'years' },
  { key: 'names', only: 'data' },
  { key: 'indicator_key', only: 'data' },
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
  /** the target of the same indicator in the plan of the parent government, when the database knows it */
  parent: { plan_id: number; label: string; value: number } | null;
}

export function registerIndicators(r: Router): void {
  r.page('/indicators', (ctx, req) => {
    const db = ctx.dbs.get();
    const caps = ctx.dbs.capabilities();
    const q = text(req.query.q);
    let rows = stmt(
      db,
      `SELECT t.indicator_key,
           (SELECT t2.indicator FROM targets t2 WHERE t2.indicator_key = t.indicator_key GROUP BY t2.indicator ORDER BY count(*) DESC, t2.indicator LIMIT 1) AS indicator,
           count(DISTINCT t.indicator) AS names, count(*) AS targets, count(DISTINCT t.plan_id) AS plans,
           coalesce(group_concat(DISTINCT t.unit), '') AS units, coalesce(group_concat(DISTINCT t.effective_year), '') AS years
         FROM targets t WHERE 1 = 1${visibleSql(caps, 'targets', 't', false)}
         GROUP BY t.indicator_key ORDER BY plans DESC, targets DESC, t.indicator_key`,
    ).all() as IndicatorRow[];
    if (q) {
      const k = indicatorKey(q);
      rows = rows.filter((x) => x.indicator_key.includes(k));
    }
    return {
      view: 'indicators',
      title: 'Indicators',
      data: { q: q ?? '', total: rows.length },
      tables: {
        indicators: { rs: { columns: INDICATOR_COLUMNS, rows, sheet: 'indicators' }, links: { indicator: (x) => `/indicators/${encodeURIComponent(String(x.indicator_key))}` } },
      },
    } satisfies Page;
  });

  r.page('/indicators/:key', (ctx, req) => {
    const key = indicatorKey(req.params.key ?? '');
    if (!key) throw notFound('no indicator');
    const db = ctx.dbs.get();
    const caps = ctx.dbs.capabilities();
    const rows = withHeadings(
      db,
      stmt(
        db,
        `SELECT t.id AS target_id, p.id AS plan_id, p.title AS plan, p.region, p.subject, t.section_id, t.kind, t.indicator, t.indicator_key,
             t.op, t.value, t.value2, t.unit, t.year, t.effective_year, t.baseline, t.baseline_year, t.quote, t.page, t.item_id
           FROM targets t JOIN plans p ON p.id = t.plan_id WHERE t.indicator_key = ?${visibleSql(caps, 'targets', 't', false)}
           ORDER BY p.region, p.id, t.start`,
      ).all(key) as Array<TargetRow & { subject: string | null }>,
    );
    if (!rows.length) throw notFound(`no target has the indicator '${req.params.key}'`);
    const levels = planLevels(db, caps);
    // chart the unit most targets use; values in other units are listed, not drawn
    const unitCount = new Map<string, number>();
    for (const x of rows) if (x.value !== null) unitCount.set(x.unit ?? '', (unitCount.get(x.unit ?? '') ?? 0) + 1);
    const unit = [...unitCount].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    const points: ChartPoint[] = rows
      .filter((x) => x.value !== null && (x.unit ?? '') === unit)
      .map((x) => ({
        target_id: x.target_id,
        plan_id: x.plan_id,
        label: `${x.region ?? ''}${x.subject ? ` ${x.subject}` : ''}${x.effective_year ? ` ${x.effective_year}` : ''}`.trim() || x.plan,
        level: levels.get(x.plan_id) ?? 'other',
        op: x.op,
        value: x.value!,
        value2: x.value2,
        unit,
        year: x.effective_year,
        target: formatTarget(x),
        parent: null,
      }))
      .sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || a.label.localeCompare(b.label, 'zh'));
    const indicator = rows[0]!.indicator;
    const withLevel = rows.map((x) => ({ ...x, level: levels.get(x.plan_id) ?? 'other' }));
    return {
      view: 'indicator',
      title: indicator,
      crumbs: [['Indicators', '/indicators']],
      data: {
        indicator_key: key,
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

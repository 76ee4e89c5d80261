/**
 * /indicators and /indicators/:id — the indicator catalogue with counts (as `plandb indicators`), the targets
 * outside it (as `plandb indicators --unmapped`), and one catalogue entry across plans (as `plandb compare ID`)
 * with a chart: a bar per target, grouped by government level, the parent plan's target marked.
 */
import {
  COMPARE_COLUMNS,
  INDICATOR_COLUMNS,
  TARGET_COLUMNS,
  catalogueCoverage,
  compareIndicator,
  formatTarget,
  listIndicators,
  unmappedTargets,
  type CompareRow,
} from '../../query/index.js';
import type { Router } from '../app.js';
import { notFound } from '../errors.js';
import { stmt } from '../facts.js';
import { LEVELS, planGovernments, type Level } from '../levels.js';
import { text } from '../params.js';
import type { Page } from '../render.js';

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
  /** the target of the same indicator in the plan of the nearest parent government that sets one (as `compare` finds it) */
  parent: { plan_id: number; plan: string; label: string; target_id: number; value: number; target: string; verdict: string | null } | null;
}

// units written two ways (as compare's verdicts treat them)
const UNIT_SAME: Record<string, string> = { '％': '%', 个百分点: '百分点' };
const unitOf = (u: string | null | undefined) => UNIT_SAME[u ?? ''] ?? u ?? '';

/** An indicator's page: its catalogue entry, or (outside the catalogue) the targets whose name contains it, as compare does. */
export const indicatorHref = (x: Record<string, unknown>) => `/indicators/${encodeURIComponent(String(x.indicator_id ?? x.indicator))}`;

const idLink = (x: Record<string, unknown>) => `/indicators/${encodeURIComponent(String(x.id))}`;

export function registerIndicators(r: Router): void {
  r.page('/indicators', (ctx, req): Page => {
    const db = ctx.dbs.get();
    const domain = text(req.query.domain);
    const q = text(req.query.q);
    const all = listIndicators(db);
    let rows = domain ? listIndicators(db, { domain }) : all;
    if (q) {
      const k = q.replace(/\s+/g, '').toLowerCase();
      rows = rows.filter((x) => x.id.toLowerCase() === k || x.name.includes(k) || x.aliases.split('、').some((a) => a.includes(k)));
    }
    const domains = new Map<string, number>();
    for (const x of all) domains.set(x.domain, (domains.get(x.domain) ?? 0) + 1);
    const c = catalogueCoverage(db);
    const unmapped = unmappedTargets(db);
    return {
      view: 'indicators',
      title: 'Indicators',
      data: {
        q: q ?? '',
        domain: domain ?? '',
        total: rows.length,
        domains: [...domains].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value, 'zh')),
        coverage: c,
      },
      tables: {
        indicators: { rs: { columns: INDICATOR_COLUMNS, rows, sheet: 'indicators' }, links: { id: idLink, name: idLink } },
        unmapped: {
          rs: { columns: TARGET_COLUMNS, rows: unmapped, sheet: 'unmapped' },
          links: { plan: (x) => `/plans/${x.plan_id}`, indicator: (x) => `/plans/${x.plan_id}/source#t${x.target_id}` },
        },
      },
    } satisfies Page;
  });

  r.page('/indicators/:id', (ctx, req) => {
    const raw = (req.params.id ?? '').trim();
    const db = ctx.dbs.get();
    if (!raw.replace(/\s+/g, '')) throw notFound('no indicator');
    // what `plandb compare` takes: a catalogue id (the links here), a name or alias, or part of a name
    const c = compareIndicator(db, { indicator: raw });
    if (!c.rows.length && !c.entry) throw notFound(`no catalogue indicator or target matches '${raw}'`);
    const govs = planGovernments(db);
    // one row per target and parent plan: the targets in order, each with its rows
    const byTarget = new Map<number, CompareRow[]>();
    for (const x of c.rows) byTarget.set(x.target_id, [...(byTarget.get(x.target_id) ?? []), x]);
    const targets = [...byTarget.values()].map((xs) => xs[0]!);
    // chart one unit: the catalogue's, else the one most targets use; values in other units are listed, not drawn
    const unitCount = new Map<string, number>();
    for (const x of targets) if (x.value !== null) unitCount.set(unitOf(x.unit), (unitCount.get(unitOf(x.unit)) ?? 0) + 1);
    const catUnit = unitOf(c.entry?.unit);
    const unit = c.entry?.unit && unitCount.has(catUnit) ? catUnit : ([...unitCount].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '');
    const parentIds = c.rows.map((x) => x.parent_target_id).filter((x): x is number => x !== null);
    const parentTargets = new Map(
      (parentIds.length
        ? (stmt(db, `SELECT id, plan_id, op, value, value2, unit FROM targets WHERE id IN (${[...new Set(parentIds)].join(',')})`).all() as Array<{
            id: number;
            plan_id: number;
            op: string;
            value: number | null;
            value2: number | null;
            unit: string | null;
          }>)
        : []
      ).map((t) => [t.id, t]),
    );
    const label = (planId: number, year: number | null) => {
      const g = govs.get(planId);
      return [g?.government, g?.subject, year].filter(Boolean).join(' ');
    };
    const points: ChartPoint[] = targets
      .filter((x) => x.value !== null && unitOf(x.unit) === unit)
      .map((x) => {
        // compare lists the parent plans nearest first: the marker is the nearest that sets a target in the chart's unit
        const pr = byTarget.get(x.target_id)!.find((y) => {
          const pt = y.parent_target_id !== null ? parentTargets.get(y.parent_target_id) : undefined;
          return pt && pt.value !== null && unitOf(pt.unit) === unit;
        });
        const pt = pr ? parentTargets.get(pr.parent_target_id!)! : null;
        return {
          target_id: x.target_id,
          plan_id: x.plan_id,
          label: label(x.plan_id, x.effective_year) || x.plan,
          level: govs.get(x.plan_id)?.level ?? 'other',
          op: x.op,
          value: x.value!,
          value2: x.value2,
          unit,
          year: x.effective_year,
          target: formatTarget(x),
          parent: pr && pt
            ? { plan_id: pt.plan_id, plan: pr.parent_plan!, label: label(pt.plan_id, null), target_id: pt.id, value: pt.value!, target: pr.parent_target!, verdict: pr.verdict }
            : null,
        };
      })
      .sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || a.label.localeCompare(b.label, 'zh'));
    // a plan with two targets (its table and its text): tell the bars apart by the kind
    const seen = new Map<string, number>();
    for (const p of points) seen.set(p.label, (seen.get(p.label) ?? 0) + 1);
    for (const p of points) if (seen.get(p.label)! > 1) p.label = `${p.label} (${targets.find((x) => x.target_id === p.target_id)!.kind})`;
    const verdicts: Record<string, number> = {};
    for (const x of c.rows) if (x.verdict) verdicts[x.verdict] = (verdicts[x.verdict] ?? 0) + 1;
    const indicator = c.entry?.name ?? raw;
    return {
      view: 'indicator',
      title: indicator,
      crumbs: [['Indicators', '/indicators']],
      data: {
        query: raw,
        indicator_id: c.entry?.id ?? null,
        catalogue: c.entry ? { id: c.entry.id, name: c.entry.name, domain: c.entry.domain, unit: c.entry.unit ?? null, better: c.entry.better ?? null, aliases: c.entry.aliases ?? [] } : null,
        indicator,
        names: [...new Set(targets.map((x) => x.indicator))],
        targets: targets.length,
        plans: c.plans,
        verdicts,
        chart: { unit, points, levels: LEVELS.filter((l) => points.some((p) => p.level === l)), left_out: targets.length - points.length },
      },
      tables: {
        compare: {
          rs: { columns: COMPARE_COLUMNS, rows: c.rows, sheet: 'compare' },
          links: { plan: (x) => `/plans/${x.plan_id}`, indicator: (x) => `/plans/${x.plan_id}/source#t${x.target_id}` },
        },
      },
    } satisfies Page;
  });
}

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
  pageUnmapped,
  type CompareLine,
} from '../../query/index.js';
import { pageOf } from '../../query/paging.js';
import type { Router } from '../app.js';
import { notFound } from '../errors.js';
import { stmt } from '../facts.js';
import { LEVELS, planGovernments, type Level } from '../levels.js';
import { pageParam, text } from '../params.js';
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

// one collator for the chart's sort (localeCompare(x, 'zh') builds one per call: 20,000 calls for 2,000 bars)
const ZH = new Intl.Collator('zh');

const idLink = (x: Record<string, unknown>) => `/indicators/${encodeURIComponent(String(x.id))}`;

export function registerIndicators(r: Router): void {
  r.page('/indicators', (ctx, req): Page => {
    const db = ctx.dbs.get();
    const domain = text(req.query.domain);
    const q = text(req.query.q);
    const all = listIndicators(db);
    let rows = domain ? all.filter((x) => x.domain === domain) : all;
    if (q) {
      const k = q.replace(/\s+/g, '').toLowerCase();
      rows = rows.filter((x) => x.id.toLowerCase() === k || x.name.includes(k) || x.aliases.split('、').some((a) => a.includes(k)));
    }
    const domains = new Map<string, number>();
    for (const x of all) domains.set(x.domain, (domains.get(x.domain) ?? 0) + 1);
    const c = catalogueCoverage(db);
    // two listings on one page: the catalogue's ?offset= and the unmapped targets' ?unmapped_offset=
    const listed = pageOf(rows, pageParam(req.query));
    const unmapped = pageUnmapped(db, pageParam(req.query, 'unmapped_'));
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
        indicators: { rs: { columns: INDICATOR_COLUMNS, rows: listed.rows, total: listed.total, offset: listed.offset, sheet: 'indicators' }, links: { id: idLink, name: idLink } },
        unmapped: {
          rs: { columns: TARGET_COLUMNS, rows: unmapped.rows, total: unmapped.total, offset: unmapped.offset, sheet: 'unmapped' },
          pageParam: 'unmapped_offset',
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
    // the table shows a page of the comparison; the chart and the counts use every line of it
    const c = compareIndicator(db, { indicator: raw, page: pageParam(req.query) });
    if (!c.total && !c.entry) throw notFound(`no catalogue indicator or target matches '${raw}'`);
    // the lines of each target (one per parent plan), targets in order
    const byTarget = new Map<number, CompareLine[]>();
    for (const l of c.lines) byTarget.set(l.target.target_id, [...(byTarget.get(l.target.target_id) ?? []), l]);
    const targets = [...byTarget.values()].map((ls) => ls[0]!.target);
    // chart one unit: the catalogue's, else the one most targets use; values in other units are listed, not drawn
    const unitCount = new Map<string, number>();
    for (const x of targets) if (x.value !== null) unitCount.set(unitOf(x.unit), (unitCount.get(unitOf(x.unit)) ?? 0) + 1);
    const catUnit = unitOf(c.entry?.unit);
    const unit = c.entry?.unit && unitCount.has(catUnit) ? catUnit : ([...unitCount].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '');
    // the governments of the plans drawn and of their parents' plans
    const govs = planGovernments(db, [...targets.map((x) => x.plan_id), ...c.lines.flatMap((l) => (l.parent_plan_id !== null ? [l.parent_plan_id] : []))]);
    const label = (planId: number, year: number | null) => {
      const g = govs.get(planId);
      return [g?.government, g?.subject, year].filter(Boolean).join(' ');
    };
    const drawn = targets.filter((x) => x.value !== null && unitOf(x.unit) === unit);
    // compare lists the parent plans nearest first: the marker is the nearest that sets a target in the chart's unit
    const marker = new Map(
      drawn.map((x) => [x.target_id, byTarget.get(x.target_id)!.find((l) => l.parent && l.parent.value !== null && unitOf(l.parent.unit) === unit) ?? null]),
    );
    // titles: the parent plans marked, and the plans without a government to label them
    const titles = planTitles(db, [...drawn.filter((x) => !label(x.plan_id, x.effective_year)).map((x) => x.plan_id), ...[...marker.values()].flatMap((l) => (l ? [l.parent_plan_id!] : []))]);
    const points: ChartPoint[] = drawn
      .map((x) => {
        const pr = marker.get(x.target_id);
        const pt = pr?.parent ?? null;
        return {
          target_id: x.target_id,
          plan_id: x.plan_id,
          label: label(x.plan_id, x.effective_year) || titles.get(x.plan_id)!,
          level: govs.get(x.plan_id)?.level ?? 'other',
          op: x.op,
          value: x.value!,
          value2: x.value2,
          unit,
          year: x.effective_year,
          target: formatTarget(x),
          parent: pr && pt
            ? { plan_id: pt.plan_id, plan: titles.get(pt.plan_id)!, label: label(pt.plan_id, null), target_id: pt.target_id, value: pt.value!, target: formatTarget(pt), verdict: pr.verdict }
            : null,
        };
      })
      .sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || ZH.compare(a.label, b.label));
    // a plan with two targets (its table and its text): tell the bars apart by the kind
    const seen = new Map<string, number>();
    for (const p of points) seen.set(p.label, (seen.get(p.label) ?? 0) + 1);
    for (const p of points) if (seen.get(p.label)! > 1) p.label = `${p.label} (${byTarget.get(p.target_id)![0]!.target.kind})`;
    const verdicts: Record<string, number> = {};
    for (const x of c.lines) if (x.verdict) verdicts[x.verdict] = (verdicts[x.verdict] ?? 0) + 1;
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
          rs: { columns: COMPARE_COLUMNS, rows: c.rows, total: c.total, offset: c.offset, sheet: 'compare' },
          links: { plan: (x) => `/plans/${x.plan_id}`, indicator: (x) => `/plans/${x.plan_id}/source#t${x.target_id}` },
        },
      },
    } satisfies Page;
  });
}

/** Titles of some plans, by id. */
function planTitles(db: Parameters<typeof stmt>[0], ids: number[]): Map<number, string> {
  if (!ids.length) return new Map();
  const rows = stmt(db, 'SELECT id, title FROM plans WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify([...new Set(ids)])) as Array<{ id: number; title: string }>;
  return new Map(rows.map((r) => [r.id, r.title]));
}

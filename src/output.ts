import { effectiveYear } from './years.js';
import path from 'node:path';
import { pageOf, respQuote, sourceSlice, targetHeading, type DocResult } from './pipeline.js';

/** The JSON of FORMAT.md (gold format) for one document, with extra provenance fields. */
export function toGoldJson(doc: DocResult) {
  return {
    file: path.basename(doc.file),
    format: doc.format,
    warnings: doc.warnings.map((w) => ({ code: w.code, severity: w.severity, message: w.message, start: w.start, end: w.end, rule: w.rule, page: w.start || w.end ? pageOf(doc, w.start) : null })),
    plans: doc.plans.map(({ plan, targets, responsibilities }) => {
      const headingPath = (idx: number | null) => (idx === null ? '' : plan.headings[idx]!.path);
      return {
        title: plan.title,
        region: plan.region,
        subject: plan.subject,
        period: plan.period,
        headings: plan.headings
          .filter((h) => h.level <= 2)
          .map((h) => ({ level: h.level, marker: h.marker, title: h.title, start: h.start, end: h.end, page: pageOf(doc, h.start) })),
        targets: targets.map((t) => ({
          heading: headingPath(targetHeading(plan, t)),
          quote: sourceSlice(doc, t.start, t.end),
          indicator: t.indicator,
          indicator_id: t.indicatorId ?? null,
          op: t.op,
          value: t.value,
          value2: t.value2,
          unit: t.unit,
          year: t.year,
          effective_year: effectiveYear(t.year, plan.period),
          baseline: t.baseline,
          baseline_year: t.baselineYear,
          kind: t.kind,
          start: t.start,
          end: t.end,
          page: pageOf(doc, t.start),
          rule: t.ruleId,
        })),
        responsibilities: responsibilities.map((r) => {
          return {
            heading: headingPath(plan.items[r.item]!.heading),
            quote: respQuote(doc, plan, r),
            role: r.role,
            units: r.units,
            start: r.start,
            end: r.end,
            page: pageOf(doc, r.start),
            rule: r.ruleId,
          };
        }),
      };
    }),
  };
}

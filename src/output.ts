import { effectiveYear } from './years.js';
import { sourceSlice, pageOf, baseName, type DocResult } from './pipeline.js';

/** The JSON of FORMAT.md (gold format) for one document, with extra provenance fields. */
export function toGoldJson(doc: DocResult) {
  return {
    file: baseName(doc.file),
    format: doc.format,
    plans: doc.plans.map(({ plan, targets, responsibilities }) => {
      const headingPath = (idx: number | null) => (idx === null ? '' : plan.headings[idx]!.path);
      const itemHeading = (i: number | null) => (i === null ? null : plan.items[i]!.heading);
      return {
        title: plan.title,
        region: plan.region,
        subject: plan.subject,
        period: plan.period,
        headings: plan.headings
          .filter((h) => h.level <= 2)
          .map((h) => ({ level: h.level, marker: h.marker, title: h.title, start: h.start, end: h.end, page: pageOf(doc, h.start) })),
        targets: targets.map((t) => ({
          heading: headingPath(t.item !== null ? itemHeading(t.item) : plan.tables[t.table!]!.heading),
          quote: sourceSlice(doc, t.start, t.end),
          indicator: t.indicator,
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
          const it = plan.items[r.item]!;
          return {
            heading: headingPath(it.heading),
            quote: sourceSlice(doc, r.quoteStart, Math.min(r.quoteStart + 30, it.bodyStart + it.text.length)),
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

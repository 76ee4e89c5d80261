/** Issue 8, deliverables 2, 5 and 8: titles in their real forms, regions and periods, table-of-contents entries, column headers — the examples of extract-rules/documents.yaml. */
import { describe, expect, it } from 'vitest';
import { processText } from '../../src/pipeline.js';
import { loadRules } from '../../src/rules/index.js';
import { compile } from '../../src/rules/compiled.js';
import { columnRoles } from '../../src/segment/columns.js';
import { matchTitle, periodOf, regionOf } from '../../src/segment/title.js';

const rules = loadRules();
const d = rules.documents;
const BODY = '\n一、总体要求\n到2030年，各项目标全面实现。\n二、主要目标\n1.婴儿死亡率控制在5‰以下。\n';

describe('documents.yaml title examples', () => {
  it.each(d.title.examples.map((e) => [e.in, e] as const))('%s', (_, e) => {
    if (e.title === null) {
      expect(matchTitle(e.in, rules)).toBeNull();
      return;
    }
    // as a document: the title line (and its period line), then a body
    const text = e.in + (e.next ? `\n${e.next}` : '') + BODY;
    const doc = processText({ text, format: 'txt' }, 'example.txt', rules);
    expect(doc.plans).toHaveLength(1);
    const p = doc.plans[0]!.plan;
    expect(p.title).toBe(e.title);
    expect(doc.norm.text.slice(p.titleSpan.start, p.titleSpan.end).replace(/\n/g, '')).toBe(e.title);
    if (e.region !== undefined) expect(p.region).toBe(e.region);
    if (e.period !== undefined) expect(p.period).toEqual(e.period);
    expect(p.headings.map((h) => h.title)).toEqual(['总体要求', '主要目标']);
    // the text after a run-on title is the plan's preface, not part of the title
    const target = doc.plans[0]!.targets.find((t) => t.indicator === '婴儿死亡率');
    expect(target?.value).toBe(5);
  });

  it('regions: parent city kept, province dropped before a lower level, no fragments', () => {
    expect(regionOf('湖北省随州市随县儿童发展规划（2021-2030年）', rules)).toBe('随州市随县');
    expect(regionOf('苏州市儿童友好城市建设三年行动计划', rules)).toBe('苏州市');
    expect(regionOf('(襄阳市)儿童发展规划', rules)).toBe('襄阳市');
    expect(regionOf('关于儿童友好城市建设的实施方案', rules)).toBeNull();
    expect(regionOf('全市儿童发展规划', rules)).toBeNull();
    expect(regionOf('黔东南州妇女发展规划', rules)).toBe('黔东南州');
    expect(regionOf('鄂伦春自治旗儿童发展规划', rules)).toBe('鄂伦春自治旗');
  });

  it('periods: years in the title, or 十一五 … 十五五', () => {
    expect(periodOf('某县“十一五”儿童发展规划', rules)).toEqual([2006, 2010]);
    expect(periodOf('某县儿童发展“十三五”规划', rules)).toEqual([2016, 2020]);
    expect(periodOf('某市妇女发展规划（2021－2025年）', rules)).toEqual([2021, 2025]);
  });

  it('a title without a place: region null and a positioned warning on the title', () => {
    const text = '儿童友好城市建设三年行动计划（2023-2025年）' + BODY;
    const doc = processText({ text, format: 'txt' }, 'x.txt', rules);
    expect(doc.plans[0]!.plan.region).toBeNull();
    const w = doc.warnings.find((x) => x.code === 'no-region')!;
    expect(w.severity).toBe('warning');
    expect(doc.norm.text.slice(w.start, w.end)).toBe('儿童友好城市建设三年行动计划（2023-2025年）');
  });
});

describe('documents.yaml table-of-contents entries', () => {
  const re = new RegExp(d.toc.entry, 'u');
  it.each(d.toc.examples.map((e) => [e.in, e.entry] as const))('%s → %s', (text, entry) => expect(re.test(text)).toBe(entry));
});

describe('documents.yaml column headers', () => {
  const c = compile(rules);
  it.each(d.columns.examples.map((e) => [e.header.join(' | '), e] as const))('%s', (_, e) => expect(columnRoles(e.header, c)).toEqual(e.roles));
});

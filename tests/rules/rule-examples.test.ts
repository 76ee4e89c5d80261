/**
 * Table-driven tester: every rule file in extract-rules/ carries its own examples, and each
 * example runs here through the real pipeline code (ESLint RuleTester / prh specs style).
 */
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../src/extract/catalogue.js';
import { extractResponsibilities } from '../../src/extract/responsibilities.js';
import { extractItemTargets } from '../../src/extract/targets.js';
import { unitModel } from '../../src/extract/units.js';
import { stripJunk } from '../../src/normalize/index.js';
import { compile } from '../../src/rules/compiled.js';
import { loadRules } from '../../src/rules/index.js';
import { headingTitle } from '../../src/segment/index.js';
import type { Item, Plan } from '../../src/segment/types.js';

const rules = loadRules();
const c = compile(rules);
const units = unitModel(rules);

const plan: Plan = { idx: 0, title: '某县儿童发展规划（2021—2025年）', titleSpan: { start: 0, end: 0 }, region: '某县', subject: '儿童', period: [2021, 2025], isActionPlan: false, headings: [], items: [], tables: [], start: 0, end: 0 };
const item = (text: string): Item => ({ idx: 0, heading: null, marker: null, bodyStart: 0, text, kind: 'goal', respLines: [], inlineHeading: false, review: false, start: 0, end: text.length });

function noDuplicates(keys: string[]) {
  expect(new Set(keys).size, 'duplicate examples').toBe(keys.length);
}

describe('junk.yaml', () => {
  const cases = rules.junk.flatMap((r) => r.examples.map((e) => [r.id, e.in, e.out] as const));
  noDuplicates(cases.map((x) => x[1]));
  it.each(cases)('%s: %s', (_id, input, out) => expect(stripJunk(input, rules)).toBe(out));
});

describe('headings.yaml', () => {
  const cases = rules.headings.flatMap((r) => r.examples.map((e) => [r.id, e] as const));
  it.each(cases)('%s: %j', (id, e) => {
    const h = c.headings.find((x) => e.in.match(x.re))!;
    expect(h.id).toBe(id);
    const m = h.re.exec(e.in)!;
    expect(m[0].trimEnd()).toBe(e.marker);
    expect(headingTitle(e.in.slice(m[0].length))).toBe(e.title);
  });
});

describe('responsibility.yaml', () => {
  noDuplicates(rules.responsibility.examples.map((e) => e.text));
  it.each(rules.responsibility.examples.map((e) => [e.text, e.expect] as const))('%s', (text, expected) => {
    const got = extractResponsibilities(item(text), c, units).map((r) => ({ role: r.role, units: r.units }));
    expect(got).toEqual(expected);
  });
});

describe('comparators.yaml + units.yaml', () => {
  noDuplicates(rules.comparators.examples.map((e) => e.text));
  it.each(rules.comparators.examples.map((e) => [e.text, e] as const))('%s', (text, e) => {
    const got = extractItemTargets(item(text), { rules, plan, cut: units.cut });
    expect(got.length).toBeGreaterThanOrEqual(1);
    const t = got[0]!;
    expect({ op: t.op, value: t.value, unit: t.unit }).toEqual({ op: e.op, value: e.value, unit: e.unit });
    if (e.value2 !== undefined) expect(t.value2).toBe(e.value2);
  });
});

describe('indicators.yaml', () => {
  it.each(rules.indicators.examples.map((e) => [e.text, e.indicator] as const))('%s → %s', (text, indicator) => {
    const got = extractItemTargets(item(text), { rules, plan, cut: units.cut });
    expect(got.map((t) => t.indicator)).toContain(indicator);
  });
});

describe('indicator-catalogue.yaml', () => {
  const cat = catalogue(rules);
  it.each(rules.catalogue.examples.map((e) => [e.name, e.near ?? '', e.id] as const))('%s (near %s) → %s', (name, near, id) => {
    expect(cat.match(name, near || undefined)?.id ?? null).toBe(id);
  });

  it('every canonical name and alias finds its own entry', () => {
    for (const e of cat.entries) for (const n of [e.name, ...e.aliases]) expect(cat.match(n)?.id, n).toBe(e.id);
  });
});

describe('unit-names.yaml', () => {
  it.each(rules.unitNames.examples.map((e) => [e.name, e.canonical] as const))('%s → %s', (name, canon) => {
    expect(units.canonical(name)).toBe(canon);
    expect(units.isUnit(name)).toBe(true);
  });
});

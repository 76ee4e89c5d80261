import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlandbError } from '../../src/errors.js';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/rules/index.js';

function lineOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PlandbError);
    return (e as PlandbError).toLine();
  }
  throw new Error('did not throw');
}
import { tmpDir } from '../helpers/paths.js';

describe('rule loading', () => {
  it('loads the bundled rules', () => {
    const r = loadRules();
    expect(r.headings.length).toBeGreaterThan(5);
    expect(r.responsibility.labels.map((l) => l.role).sort()).toEqual(['lead', 'responsible', 'support']);
  });

  it('refuses a bad rule file with its name and the path of the bad field', () => {
    const dir = tmpDir('rules');
    cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
    writeFileSync(path.join(dir, 'headings.yaml'), "- id: heading.bad\n  kind: cn\n  pattern: '^(?<n>[一二]'\n  numeral: cn\n  examples: [{ in: '一、', marker: '一、', title: '' }]\n");
    expect(lineOf(() => loadRules(dir))).toMatch(/headings\.yaml: invalid rule at 0\.pattern: not a valid regular expression$/);
  });

  it('refuses a rule whose role is unknown', () => {
    const dir = tmpDir('rules');
    cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
    writeFileSync(path.join(dir, 'responsibility.yaml'), 'labels:\n  - { id: x, role: boss, words: [主管单位] }\ninline: []\nexamples: [{ text: a, expect: [] }]\n');
    expect(lineOf(() => loadRules(dir))).toMatch(/responsibility\.yaml: invalid rule at labels\.0\.role: /);
  });

  it('refuses an indicator catalogue with a duplicate id, an unknown domain or a context naming no entry', () => {
    const base = "examples: [{ name: a, id: H001 }]\nindicators:\n  - { id: H001, name: 新生儿死亡率, unit: '‰', better: lower, domain: 健康, from: national }\n";
    const cases: Array<[string, RegExp]> = [
      [base + "  - { id: H001, name: 婴儿死亡率, unit: '‰', better: lower, domain: 健康, from: national }\n", /indicator-catalogue\.yaml: invalid rule at indicators\.1\.id: duplicate id H001$/],
      [base.replace('domain: 健康', 'domain: 天气'), /indicator-catalogue\.yaml: invalid rule at indicators\.0\.domain: /],
      ["contexts: [{ name: 访视率, near: 新生儿, id: H999 }]\n" + base, /indicator-catalogue\.yaml: invalid rule at contexts\.0\.id: unknown indicator id H999$/],
    ];
    for (const [text, re] of cases) {
      const dir = tmpDir('rules');
      cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
      writeFileSync(path.join(dir, 'indicator-catalogue.yaml'), text);
      expect(lineOf(() => loadRules(dir))).toMatch(re);
    }
  });
});

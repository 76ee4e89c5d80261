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
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalize, toSource } from '../../src/normalize/index.js';
import { compile } from '../../src/rules/compiled.js';
import { loadRules } from '../../src/rules/index.js';
import { SEEDS, seed } from '../helpers/paths.js';

const rules = loadRules();
const c = compile(rules);
const norm = (stem: string) => {
  const src = readFileSync(seed(stem), 'utf8');
  return { src, nt: normalize(src, rules, c.join) };
};

describe('normalize on the seeds', () => {
  it('re-joins words split by a page break (002: 加强妇 / 幼健康人才)', () => {
    const { nt } = norm(SEEDS.shuozhou);
    expect(nt.text).toContain('加强妇幼健康人才');
    expect(nt.text).toContain('分别降至3.2‰、5.3‰和6.5‰以下');
  });

  it('re-joins a responsibility list continued after blank lines (000)', () => {
    const { nt } = norm(SEEDS.kunshan);
    expect(nt.text).toMatch(/（责任单位：市教育局、市卫健委、市民政局、[^\n]*团市委、市妇联\)/u);
    expect(nt.text).toContain('每年一次常规健康体检');
  });

  it('removes conversion junk and converts LaTeX', () => {
    const k = norm(SEEDS.kunshan).nt.text;
    expect(k).toContain('低于省指标≥90%的要求');
    expect(k).not.toContain('$');
    const l = norm(SEEDS.lanxi).nt.text;
    expect(l).not.toContain('[bookmark');
    expect(l).toContain('\n（二）儿童与健康\n');
  });

  it('makes digits and spacing uniform but keeps table tabs and headings apart', () => {
    const { nt } = norm(SEEDS.kunshan);
    expect(nt.text).toContain('5岁以下儿童死亡率、婴儿死亡率和新生儿死亡率分别保持在5‰、4‰和3‰以下');
    expect(nt.text).toContain('1\t新生儿死亡率（‰）\t1.72\t≤3\t≤3');
    expect(nt.text).toContain('\n一、发展现状和趋势\n');
    expect(nt.text).toContain('\n1. 5岁以下儿童死亡率');
  });

  it('maps every normalized character back to the same character in the source', () => {
    for (const stem of Object.values(SEEDS)) {
      const { src, nt } = norm(stem);
      expect(nt.map.length).toBe(nt.text.length + 1);
      let same = 0;
      let checked = 0;
      for (let i = 0; i < nt.text.length; i++) {
        const ch = nt.text[i]!;
        if (!/[\u4e00-\u9fa5]/u.test(ch)) continue;
        checked++;
        if (src[nt.map[i]!] === ch) same++;
        if (i > 0) expect(nt.map[i]!).toBeGreaterThanOrEqual(nt.map[i - 1]!);
      }
      expect(same).toBe(checked);
      const i = nt.text.indexOf('儿童');
      const [s, e] = toSource(nt, i, i + 2);
      expect(src.slice(s, e)).toBe('儿童');
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/normalize/index.js';
import { compile } from '../../src/rules/compiled.js';
import { loadRules } from '../../src/rules/index.js';
import { segment } from '../../src/segment/index.js';
import { SEEDS, seed } from '../helpers/paths.js';

const rules = loadRules();
const c = compile(rules);
const seg = (stem: string) => {
  const nt = normalize(readFileSync(seed(stem), 'utf8'), rules, c.join);
  return { nt, ...segment(nt.text, c) };
};

describe('segment: plans', () => {
  it.each([
    [SEEDS.kunshan, ['昆山市儿童发展规划（2021—2025年）']],
    [SEEDS.lanxi, ['兰溪市儿童发展“十四五”规划']],
    [SEEDS.shuozhou, ['朔州市妇女发展“十四五”规划', '朔州市儿童发展“十四五”规划']],
    [SEEDS.suzhou, ['苏州市建设儿童友好城市三年行动计划（2021-2023年）']],
    [SEEDS.quzhou, ['衢州市妇女发展“十四五”规划', '衢州市儿童发展“十四五”规划']],
  ])('%s holds the plans %j (notice wrappers and cover pages yield none)', (stem, titles) => {
    expect(seg(stem).plans.map((p) => p.title)).toEqual(titles);
  });

  it('reads region, subject and period from the title', () => {
    const meta = (stem: string) => seg(stem).plans.map((p) => [p.region, p.subject, p.period]);
    expect(meta(SEEDS.kunshan)).toEqual([['昆山市', '儿童', [2021, 2025]]]);
    expect(meta(SEEDS.shuozhou)).toEqual([
      ['朔州市', '妇女', [2021, 2025]],
      ['朔州市', '儿童', [2021, 2025]],
    ]);
    expect(meta(SEEDS.suzhou)).toEqual([['苏州市', '儿童友好城市', [2021, 2023]]]);
    expect(seg(SEEDS.suzhou).plans[0]!.isActionPlan).toBe(true);
  });
});

describe('segment: heading tree', () => {
  it('levels 1 and 2 with markers as written, half-width (六) kept', () => {
    const p = seg(SEEDS.kunshan).plans[0]!;
    const top = p.headings.filter((h) => h.level <= 2).map((h) => `${h.level}${h.marker}${h.title}`);
    expect(top.slice(0, 6)).toEqual(['1一、发展现状和趋势', '1二、指导思想和总体目标', '2（一）指导思想', '2（二）总体目标', '1三、优先发展领域和目标策略', '2（一）儿童健康']);
    expect(top).toContain('2(六)成长环境');
  });

  it('a heading with its body on the same line (004: （一）指导思想。坚持…) is a heading and an item', () => {
    const p = seg(SEEDS.quzhou).plans[1]!;
    const h = p.headings.find((x) => x.title === '指导思想')!;
    expect(h.marker).toBe('（一）');
    expect(p.items.some((i) => i.inlineHeading && i.heading === h.idx && i.text.startsWith('指导思想。以习近平'))).toBe(true);
  });

  it('003: 1.儿童友好政策设计行动 is a level-3 heading and the 40 tasks carry their 牵头/参与 lines', () => {
    const p = seg(SEEDS.suzhou).plans[0]!;
    expect(p.headings.find((h) => h.title === '儿童友好政策设计行动')?.level).toBe(3);
    const tasks = p.items.filter((i) => /^（\d+）$/.test(i.marker ?? ''));
    expect(tasks).toHaveLength(40);
    expect(tasks.every((t) => t.kind === 'task')).toBe(true);
    expect(tasks[7]!.text.startsWith('推进普惠托育提质扩面')).toBe(true);
    expect(tasks[7]!.respLines.map((r) => r.text)).toEqual(['牵头单位：市卫健委、市教育局、市民政局', '参与单位：市发改委、市财政局、市计生协会，各级政府']);
    expect(tasks[7]!.heading !== null && p.headings[tasks[7]!.heading]!.path).toBe('二、/（二）');
  });

  it('主要目标 / 策略措施 blocks set the item kind', () => {
    const p = seg(SEEDS.kunshan).plans[0]!;
    const goal = p.items.find((i) => i.text.startsWith('5岁以下儿童死亡率'))!;
    expect(goal.kind).toBe('goal');
    expect(p.items.find((i) => i.text.startsWith('优化儿童保健服务和管理'))!.kind).toBe('measure');
    expect(p.items.find((i) => i.text.startsWith('“十三五”时期'))!.review).toBe(true);
  });
});

describe('segment: indicator tables in both seed layouts', () => {
  it('000: tab-separated rows under a header', () => {
    const t = seg(SEEDS.kunshan).plans[0]!.tables[0]!;
    expect(t.layout).toBe('tabs');
    expect(t.header.map((x) => x.text)).toEqual(['序号', '指标', '2020年昆山完成情况', '2025年昆山目标', '2025年苏州目标']);
    expect(t.rows).toHaveLength(14);
    expect(t.rows[0]!.cells.map((x) => x.text)).toEqual(['1', '新生儿死亡率（‰）', '1.72', '≤3', '≤3']);
  });

  it('004: one cell per line, rows separated by blank lines', () => {
    const t = seg(SEEDS.quzhou).plans[0]!.tables[0]!;
    expect(t.layout).toBe('cell-lines');
    expect(t.header.map((x) => x.text)).toEqual(['序号', '主要统计指标', '2020年', '2025年']);
    expect(t.rows).toHaveLength(11);
    expect(t.rows[9]!.cells.map((x) => x.text)).toEqual(['10', '获得法律机构援助的女性人数（人）', '760', '应援尽援']);
  });
});

/**
 * A county plan written the way other counties write (第一章/第一节, 1、 items, ① measures,
 * half-width brackets and colons, several labels in one bracket, inline 由A牵头，B配合 and A负责,
 * 均/分别 lists, 至2023年底, Chinese numerals): rules must hold beyond the seed files.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFile, toGoldJson } from '../../src/index.js';
import { FIXTURES } from '../helpers/paths.js';

type Plan = ReturnType<typeof toGoldJson>['plans'][number];
let plan: Plan;
let plans: Plan[];

beforeAll(async () => {
  plans = toGoldJson(await extractFile(path.join(FIXTURES, 'variants', 'county-plan.txt'))).plans;
  plan = plans[0]!;
});

const t = (indicator: string) => plan.targets.filter((x) => x.indicator === indicator).map((x) => [x.op, x.value, x.unit, x.year, x.effective_year, x.kind]);

describe('a county plan with 第一章/第一节 and other phrasings', () => {
  it('finds one plan (not the notice) with county region and period', () => {
    expect(plans).toHaveLength(1);
    expect([plan.title, plan.region, plan.subject, plan.period]).toEqual(['某某县儿童发展规划（2021—2025年）', '某某县', '儿童', [2021, 2025]]);
  });

  it('chapters and sections are the outline levels 1 and 2', () => {
    expect(plan.headings.map((h) => `${h.level}${h.marker}${h.title}`)).toEqual(['1第一章总体要求', '2第一节发展基础', '2第二节主要目标', '1第二章重点任务', '2第一节儿童与健康', '2第二节儿童与教育']);
  });

  it('reads targets in goals and measures, none from the 十三五 review', () => {
    expect(t('婴儿死亡率')).toEqual([['<=', 4, '‰', null, 2025, 'goal']]);
    expect(t('5岁以下儿童死亡率')).toEqual([['<=', 6, '‰', null, 2025, 'goal']]);
    expect(t('3岁以下儿童系统管理率')).toEqual([['>=', 92, '%', null, 2025, 'goal']]);
    expect(t('普惠性托育机构')).toEqual([['>=', 8, '家', 2023, 2023, 'goal']]);
    expect(t('儿童青少年总体近视率')).toEqual([['down', 0.5, '百分点', null, 2025, 'measure']]);
    expect(t('每个乡镇公办中心幼儿园')).toEqual([['>=', 1, '所', null, 2025, 'goal']]);
    expect(plan.targets.find((x) => x.indicator.includes('健康体检'))).toMatchObject({ op: '=', value: 1, unit: '次' });
    expect(plan.targets.some((x) => x.value === 98 || x.value === 3.5)).toBe(false);
  });

  it('reads responsibilities in every phrasing, with roles', () => {
    const r = plan.responsibilities.map((x) => `${x.role}:${x.units.join('、')}`);
    expect(r).toEqual([
      'responsible:县卫健局',
      'lead:县卫健局',
      'support:县妇联、各乡镇（街道）',
      'lead:县卫健局',
      'support:县教育局、县发改局',
      'lead:县卫健局',
      'support:县教育局、县市场监管局',
      'lead:县教育局',
      'responsible:县教育局',
      'responsible:县教育局、各乡镇人民政府',
    ]);
  });
});

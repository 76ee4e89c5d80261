/**
 * Indicator names are what is measured, in the source's words (issue 9): no leading verbs or adverbs,
 * no trailing 的目标, no other target's value, lists give each item the shared subject and suffix.
 * Each case names the seed, the indicator, the value and the text the target's quote must be.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFile, toGoldJson } from '../../src/index.js';
import { SEEDS, seed } from '../helpers/paths.js';

type Target = ReturnType<typeof toGoldJson>['plans'][number]['targets'][number];
const targets: Record<string, Target[]> = {};

beforeAll(async () => {
  for (const [k, stem] of Object.entries(SEEDS)) targets[k] = toGoldJson(await extractFile(seed(stem))).plans.flatMap((p) => p.targets);
});

const CASES: Array<[keyof typeof SEEDS, string, number, string]> = [
  // a bare measure takes what it measures from its sentence (was 访视率, 管理率)
  ['quzhou', '新生儿访视率', 90, '访视率保持在90%以上'],
  ['quzhou', '0—6岁儿童健康管理率', 90, '管理率保持在90%以上'],
  // shared suffix of a list (was 小学, 初中, 城市)
  ['kunshan', '小学生每日睡眠', 10, '小学、初中、高中生每日睡眠分别不少于 10 小时'],
  ['kunshan', '初中生每日睡眠', 9, '小学、初中、高中生每日睡眠分别不少于 10 小时、9 小时'],
  ['quzhou', '城市少先队员参加雏鹰争章活动率', 95, '城市和农村少先队员参加雏鹰争章活动率分别达到95%和90%以上'],
  ['quzhou', '农村少先队员参加雏鹰争章活动率', 90, '城市和农村少先队员参加雏鹰争章活动率分别达到95%和90%以上'],
  // shared subject of a list (was 合格率, 生长迟缓率, 校外)
  ['kunshan', '儿童药品质量抽验合格率', 100, '儿童药品质量抽验生产企业覆盖率与合格率均达到 100%'],
  ['kunshan', '在用大型游乐设施检验合格率', 100, '在用大型游乐设施定期检查率和检验合格率均达到 100%'],
  ['lanxi', '5岁以下儿童生长迟缓率', 4, '5岁以下儿童贫血患病率、生长迟缓率分别控制在9%、4%以下'],
  ['lanxi', '学生每天校外体育活动', 1, '学生每天校内、校外各1小时体育活动'],
  // population carried to the next clause, change word carried over a list
  ['kunshan', '残疾儿童义务教育入学率', 100, '义务教育入学率保持 100%'],
  ['kunshan', '新增市级示范性托育机构', 3, '市级示范性托育机构 3 家'],
  // no leading verbs/adverbs, no trailing 的目标, no actor
  ['kunshan', '儿童每天阅读时间', 1, '积极倡导儿童每天阅读时间不少于1小时'],
  ['lanxi', '每个乡镇（街道）示范型儿童之家', 1, '每个乡镇（街道）建有1家以上示范型儿童之家'],
  ['lanxi', '“一站式”办案专门场所', 1, '建成至少1个以上“一站式”办案专门场所'],
  ['suzhou', '“三全”社区家庭教育支持行动示范社区', 100, '100个“三全”社区家庭教育支持行动示范社区'],
  ['lanxi', '示范型儿童之家占儿童之家总数比例', 15, '示范型儿童之家达到儿童之家总数的15%以上'],
  // no other target's value inside a name
  ['shuozhou', '城市社区建立家长学校或家庭教育指导服务站点', 95, '95%的城市社区和85%的农村社区（村）建立家长学校或家庭教育指导服务站点'],
  ['shuozhou', '农村社区（村）建立家长学校或家庭教育指导服务站点', 85, '95%的城市社区和85%'],
];

describe('indicator names from the corpus', () => {
  it.each(CASES)('%s: %s = %d', (k, indicator, value, quote) => {
    const hits = targets[k]!.filter((t) => t.indicator === indicator && t.value === value);
    expect(hits.length, `${indicator} among ${targets[k]!.filter((t) => t.value === value).map((t) => t.indicator).join(' / ')}`).toBeGreaterThan(0);
    // the target sits where its evidence is: its quote holds the value's phrase
    expect(hits.some((t) => t.quote.replace(/\s+/g, '').includes(quote.replace(/\s+/g, ''))), hits.map((t) => t.quote).join(' | ')).toBe(true);
  });

  it('no indicator keeps a leading 积极倡导/重点打造/在全市 or a trailing 的目标/的发展, or carries a value', () => {
    const all = Object.values(targets).flat();
    for (const t of all) {
      expect(t.indicator, t.quote).not.toMatch(/^(?:积极倡导|重点打造|在全[市县区])|的(?:目标|发展)$/u);
      expect(t.indicator, t.quote).not.toMatch(/\d+(?:\.\d+)?\s*[%％‰]/u);
    }
  });
});

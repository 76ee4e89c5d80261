import { describe, expect, it } from 'vitest';
import { levelOfRegion, parentPlan, type PlanGovernment } from '../../src/serve/levels.js';

describe('government levels for the indicator chart', () => {
  it('reads the level from a region name when the database has no divisions', () => {
    expect(levelOfRegion('江苏省')).toBe('province');
    expect(levelOfRegion('上海市')).toBe('province');
    expect(levelOfRegion('广西壮族自治区')).toBe('province');
    expect(levelOfRegion('衢州市')).toBe('city');
    expect(levelOfRegion('九台区')).toBe('county');
    expect(levelOfRegion('某某县')).toBe('county');
    expect(levelOfRegion(null)).toBe('other');
  });

  it("finds the nearest parent government's plan with a value, the same subject first", () => {
    const gov = (id: number, code: string, chain: string, subject = '儿童'): PlanGovernment => ({
      id,
      code,
      subject,
      government: code,
      level: 'county',
      parents: chain.split('/').filter((c) => c !== code),
    });
    const all = new Map(
      [
        gov(1, '320583', '320583/320500/320000/000000'),
        gov(5, '320500', '320500/320000/000000', '儿童友好城市'),
        gov(8, '320000', '320000/000000', '妇女'),
        gov(9, '320000', '320000/000000', '儿童'),
      ].map((g) => [g.id, g]),
    );
    const values = new Map([
      [8, 6],
      [9, 5],
    ]);
    // the city (320500) plan has no value: the province's children's plan (same subject) is the parent
    expect(parentPlan(all.get(1)!, all, (id) => values.get(id))).toEqual({ plan_id: 9, value: 5 });
    values.set(5, 4.5);
    expect(parentPlan(all.get(1)!, all, (id) => values.get(id))).toEqual({ plan_id: 5, value: 4.5 });
    // a province's plan has no parent plan in the database
    expect(parentPlan(all.get(9)!, all, (id) => values.get(id))).toBeNull();
  });
});

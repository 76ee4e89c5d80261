import { describe, expect, it } from 'vitest';
import { levelOfRegion } from '../../src/serve/levels.js';

describe('government levels for the indicator chart', () => {
  it('reads the level from a region name when the plan\'s region resolved to no division', () => {
    expect(levelOfRegion('江苏省')).toBe('province');
    expect(levelOfRegion('上海市')).toBe('province');
    expect(levelOfRegion('广西壮族自治区')).toBe('province');
    expect(levelOfRegion('衢州市')).toBe('city');
    expect(levelOfRegion('九台区')).toBe('county');
    expect(levelOfRegion('某某县')).toBe('county');
    expect(levelOfRegion(null)).toBe('other');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { pdfReader } from '../../src/ingest/pdf.js';
import { PlandbError } from '../../src/errors.js';

const dir = join(__dirname, '..', 'fixtures', 'pdf');
const cache = new Map<string, Promise<Awaited<ReturnType<typeof pdfReader.read>>>>();
function read(name: string) {
  let p = cache.get(name);
  if (!p) cache.set(name, (p = pdfReader.read(readFileSync(join(dir, name)), name)));
  return p;
}
const lines = (t: string) => t.split('\n');
const FIXTURES: Record<string, number> = {
  '000_b494f9743fcea215.pdf': 36,
  '001_4eee029a5c71237c.pdf': 38,
  '002_1a19cb00b77d39e6.pdf': 95,
  '003_f0879b20de4671e9.pdf': 16,
  '004_fcf053abc1b695aa.pdf': 71,
};
const PAGE_NO = /^\s*(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页.*|--\s*\d+\s*of\s*\d+\s*--|\d{1,3})\s*$/;

describe('pdfReader on the LibreOffice fixtures', () => {
  it('declares its format', () => {
    expect(pdfReader.format).toBe('pdf');
    expect(pdfReader.extensions).toContain('.pdf');
  });

  for (const [name, pages] of Object.entries(FIXTURES)) {
    it(`${name}: page offsets, no page numbers, no spaced-out CJK`, async () => {
      const r = await read(name);
      expect(r.format).toBe('pdf');
      expect(r.pageStarts).toHaveLength(pages);
      const ps = r.pageStarts!;
      expect(ps[0]).toBe(0);
      for (let i = 1; i < ps.length; i++) expect(ps[i]).toBeGreaterThan(ps[i - 1]);
      expect(ps[ps.length - 1]).toBeLessThan(r.text.length);
      for (const l of lines(r.text)) expect(l).not.toMatch(PAGE_NO);
      expect(r.text).not.toMatch(/[\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff]/);
      expect(r.text).not.toMatch(/-- \d+ of \d+ --/);
    });
  }

  it('000: headings, paragraphs joined, spaced-out line repaired, indicator table as rows', async () => {
    const { text } = await read('000_b494f9743fcea215.pdf');
    const ls = lines(text);
    expect(ls).toContain('一、发展现状和趋势');
    expect(ls).toContain('（一）指导思想');
    expect(text).toContain('《江苏省儿童发展规划（2021-2025年）》《苏州市儿童发展规划（2021-2025年）》');
    expect(text).not.toContain('苏 州 市');
    // a whole paragraph on one line (it spans 8 lines in the PDF)
    expect(ls.some((l) => l.startsWith('儿童是国家的未来') && l.endsWith('本规划所称儿童系出生至未满18周岁的未成年人。'))).toBe(true);
    // numbers split over a line break are re-joined (`1` / `00%` in the PDF)
    expect(text).toContain('义务教育入学率和巩固率达100%');
    const header = ls.find((l) => l.startsWith('序号\t'));
    expect(header?.split('\t')).toEqual(['序号', '指标', '2020年昆山完成情况', '2025年昆山目标', '2025年苏州目标']);
    expect(ls).toContain('1\t新生儿死亡率（‰）\t1.72\t≤3\t≤3');
    expect(ls).toContain('5\t每千名14岁以下儿童儿科医师数\t-\t0.85人左右\t0.85人左右');
    expect(ls).toContain('14\t区、镇未成年人保护工作站（儿童关爱之家）覆盖率（%）\t-\t100\t100');
    expect(ls.filter((l) => /^\d+\t/.test(l))).toHaveLength(14);
  });

  it('003: task lines followed by 牵头单位 / 参与单位 lines', async () => {
    const { text } = await read('003_f0879b20de4671e9.pdf');
    const ls = lines(text);
    expect(ls[0]).toBe('苏州市建设儿童友好城市三年行动计划（2021-2023年）');
    expect(ls).toContain('一、指导思想');
    expect(ls).toContain('（一）社会政策友好：构建系统完备的政策体系');
    const i = ls.findIndex((l) => l.startsWith('（8）推进普惠托育提质扩面。'));
    expect(i).toBeGreaterThan(0);
    expect(ls[i + 1]).toMatch(/^牵头单位：/);
    expect(ls[i + 2]).toMatch(/^参与单位：/);
    const tasks = ls.filter((l) => /^（\d+）/.test(l));
    expect(tasks).toHaveLength(40);
    expect(ls.filter((l) => l.startsWith('牵头单位：'))).toHaveLength(40);
  });

  it('004: tables (one cell per line in the .txt) come out as rows, continued across the page break', async () => {
    const { text } = await read('004_fcf053abc1b695aa.pdf');
    const ls = lines(text);
    expect(ls.filter((l) => l === '序号\t主要统计指标\t2020年\t2025年')).toHaveLength(2);
    expect(ls).toContain('1\t妇女人均预期寿命（岁）\t82.66\t83.7');
    // rows 3.. are on the next page, under a repeated header
    expect(ls).toContain('5\t县级党委领导班子中配有女干部的班子比例（%）\t83.33\t换届后当年达到100%，平时保持在85%以上');
    expect(ls).toContain('11\t建立妇女活动中心的县（市、区）比例（%）\t16.67\t75');
    expect(ls).toContain('4\t儿童伤害死亡率（1/10万）\t10.5\t<8.78');
    expect(ls).toContain('（一）指导思想。坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的十九大和十九届二中、三中、四中、五中全会精神，坚持党对妇女事业的全面领导，忠实践行“八八战略”、奋力打造“重要窗口”，以人的现代化为导向，深入贯彻实施男女平等基本国策，进一步发挥妇女作用，增强妇女整体素质，优化妇女发展环境，推动妇女事业高质量发展，推进妇女权益高水平保障，努力创造高品质生活，实现妇女全面发展、两性平等发展、妇女与经济社会同步协调发展，围绕打造四省边际共同富裕示范区、加快建设四省边际中心城市贡献巾帼力量。');
  });

  it('pageStarts point at the text of that page', async () => {
    const r = await read('003_f0879b20de4671e9.pdf');
    // page 2 of 003 starts with the heading （一）社会政策友好…
    expect(r.text.slice(r.pageStarts![1]).startsWith('（一）社会政策友好')).toBe(true);
  });
});

describe('pdfReader on a synthetic layout (running header, page footers, split table)', () => {
  it('removes running headers and 第 N 页 / — N — footers, rejoins paragraphs across pages', async () => {
    const r = await read('synthetic-layout.pdf');
    const ls = lines(r.text);
    expect(r.text).not.toContain('某某市人民政府办公室文件');
    expect(r.text).not.toMatch(/第\s*\d\s*页/);
    expect(r.text).not.toContain('—2—');
    expect(ls).toContain('苏州市儿童发展规划确定的目标基本实现。');
    expect(ls).toContain('全市儿童健康水平显著提升，出生人口素质持续提高，新生儿疾病筛查率达到100%，孕产妇系统管理率保持在较高水平。');
    expect(ls).toContain('到2025年，全市儿童发展的主要目标全面实现，儿童优先原则得到全面贯彻，儿童健康、教育、福利、家庭、环境、法律保护等领域的权利进一步实现。');
    expect(ls).toContain('1.新生儿死亡率控制在3‰以下。');
    expect(ls).toContain('牵头单位：市妇儿工委办');
    expect(r.pageStarts).toHaveLength(3);
    expect(r.text.slice(r.pageStarts![1]).startsWith('领域的权利进一步实现。')).toBe(true);
  });

  it('a ruled table split over two pages: one header, the split row merged, rows tab-separated', async () => {
    const { text } = await read('synthetic-layout.pdf');
    const ls = lines(text);
    expect(ls.filter((l) => l.startsWith('序号\t'))).toEqual(['序号\t指标\t2020年\t2025年目标']);
    expect(ls).toContain('3\t0-6岁儿童眼保健和视力检查覆盖率（%）\t-\t≥98');
    expect(ls).toContain('4\t每千名儿童拥有儿科执业（助理）医师数（人）\t0.8\t1.0');
    expect(ls).toContain('5\t普惠性幼儿园覆盖率（%）\t96.95\t90');
  });
});

describe('pdfReader errors', () => {
  async function error(name: string, buf?: Buffer): Promise<PlandbError> {
    try {
      await pdfReader.read(buf ?? readFileSync(join(dir, name)), name);
    } catch (e) {
      expect(e).toBeInstanceOf(PlandbError);
      return e as PlandbError;
    }
    throw new Error(`${name}: no error`);
  }

  it('encrypted PDF → PDF_ENCRYPTED', async () => {
    const e = await error('encrypted.pdf');
    expect(e.code).toBe('PDF_ENCRYPTED');
    expect(e.message).toBe('PDF is encrypted (password protected); decrypt it first');
    expect(e.file).toBe('encrypted.pdf');
  });

  it('truncated PDF → PDF_CORRUPT with a one-line reason', async () => {
    const e = await error('truncated.pdf');
    expect(e.code).toBe('PDF_CORRUPT');
    expect(e.message).not.toContain('\n');
    expect(e.message.length).toBeLessThan(200);
  });

  it('not a PDF at all → PDF_CORRUPT', async () => {
    const e = await error('garbage.pdf', Buffer.from('hello, this is not a pdf'));
    expect(e.code).toBe('PDF_CORRUPT');
  });

  it('empty file → EMPTY', async () => {
    expect((await error('empty.pdf', Buffer.alloc(0))).code).toBe('EMPTY');
  });

  it('image-only PDF → PDF_NO_TEXT, mentions OCR', async () => {
    const e = await error('no-text.pdf');
    expect(e.code).toBe('PDF_NO_TEXT');
    expect(e.message).toMatch(/OCR/);
    expect(e.message).not.toContain('\n');
  });
});

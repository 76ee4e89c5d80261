import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { docxReader } from '../../src/ingest/docx.js';
import { PlandbError } from '../../src/errors.js';

const dir = join(__dirname, '..', 'fixtures', 'docx');
const read = (name: string) => docxReader.read(readFileSync(join(dir, name)), name);
const lines = (t: string) => t.split('\n');

describe('docxReader on the LibreOffice fixtures', () => {
  it('declares its format', () => {
    expect(docxReader.format).toBe('docx');
    expect(docxReader.extensions).toContain('.docx');
  });

  it('000: list headings keep their numbers, indicator table rows are tab-separated', async () => {
    const r = await read('000_b494f9743fcea215.docx');
    expect(r.format).toBe('docx');
    const ls = lines(r.text);
    expect(ls).toContain('一、发展现状和趋势');
    expect(ls).toContain('（一）指导思想');
    expect(ls.some((l) => l.startsWith('（一）儿童健康：'))).toBe(true);
    expect(ls).toContain('1\t新生儿死亡率（‰）\t1.72\t≤3\t≤3');
    expect(ls.find((l) => l.startsWith('序号\t'))?.split('\t')).toHaveLength(5);
    expect(ls.filter((l) => /^\d+\t/.test(l))).toHaveLength(14);
  });

  it('003: tasks followed by 牵头单位 and 参与单位 lines', async () => {
    const ls = lines((await read('003_f0879b20de4671e9.docx')).text);
    const i = ls.findIndex((l) => l.startsWith('（8）推进普惠托育提质扩面。'));
    expect(i).toBeGreaterThan(0);
    expect(ls[i + 1]).toMatch(/^牵头单位：/);
    expect(ls[i + 2]).toMatch(/^参与单位：/);
    expect(ls.filter((l) => /^（\d+）/.test(l))).toHaveLength(40);
  });

  it('004: tables come out as rows', async () => {
    const ls = lines((await read('004_fcf053abc1b695aa.docx')).text);
    expect(ls).toContain('序号\t主要统计指标\t2020年\t2025年');
    expect(ls).toContain('1\t妇女人均预期寿命（岁）\t82.66\t83.7');
    expect(ls).toContain('6\t县级政府领导班子中配有女干部的班子比例（%）\t100\t');
  });

  it('decodes entities and has no HTML left', async () => {
    for (const f of ['000_b494f9743fcea215.docx', '001_4eee029a5c71237c.docx', '002_1a19cb00b77d39e6.docx']) {
      const { text } = await read(f);
      expect(text).not.toMatch(/<\/?[a-z]+[ >]/);
      expect(text).not.toMatch(/&(amp|lt|gt|quot|#\d+);/);
    }
  });
});

describe('docxReader: Word automatic numbering', () => {
  it('regenerates the markers Word shows (一、 （一） 1. （1）), style-linked numbering too', async () => {
    const ls = lines((await read('auto-numbering.docx')).text);
    expect(ls).toEqual([
      '某某县儿童发展规划',
      '一、总体要求',
      '（一）指导思想',
      '坚持儿童优先。',
      '（二）主要目标',
      '1.新生儿死亡率控制在3‰以下。',
      '2.婴儿死亡率控制在5‰以下。',
      '（1）开展出生缺陷筛查。',
      '二、发展领域',
      '（一）儿童与健康',
      '已有编号的段落',
      '一、文字里已有编号',
      '序号\t指标\t目标值',
      '1\t婴儿死亡率（‰）\t≤5 & 稳定',
      '牵头单位：县卫健局',
      '',
    ]);
  });
});

describe('docxReader errors', () => {
  async function error(name: string, buf?: Buffer): Promise<PlandbError> {
    try {
      await docxReader.read(buf ?? readFileSync(join(dir, name)), name);
    } catch (e) {
      expect(e).toBeInstanceOf(PlandbError);
      return e as PlandbError;
    }
    throw new Error(`${name}: no error`);
  }
  it('not a zip → DOCX_CORRUPT', async () => {
    const e = await error('not-a-zip.docx');
    expect(e.code).toBe('DOCX_CORRUPT');
    expect(e.message).toBe('not a valid .docx (not a zip archive)');
    expect(e.file).toBe('not-a-zip.docx');
  });
  it('truncated zip → DOCX_CORRUPT, one line', async () => {
    const e = await error('truncated.docx');
    expect(e.code).toBe('DOCX_CORRUPT');
    expect(e.message).not.toContain('\n');
  });
  it('a zip without word/document.xml → DOCX_CORRUPT', async () => {
    // an empty zip archive: just the end-of-central-directory record
    const empty = Buffer.alloc(22);
    empty.writeUInt32LE(0x06054b50, 0);
    const e = await error('empty-zip.docx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), empty]));
    expect(e.code).toBe('DOCX_CORRUPT');
  });
  it('empty file → EMPTY', async () => {
    expect((await error('empty.docx', Buffer.alloc(0))).code).toBe('EMPTY');
  });
});

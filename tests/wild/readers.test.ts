/** Issue 8, deliverable 1: inputs detected by content — HTML (GBK / UTF-8), Word 97–2003 .doc, mismatched extensions, unknown formats. */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlandbError } from '../../src/errors.js';
import { decodeHtml, htmlToText } from '../../src/ingest/html.js';
import { ingestFile, sniff } from '../../src/ingest/index.js';
import { processText } from '../../src/pipeline.js';
import { FIXTURES, SEEDS, tmpDir } from '../helpers/paths.js';

const WILD = path.join(FIXTURES, 'wild');

describe('sniffing by content', () => {
  it.each([
    ['%PDF-1.7\n', 'pdf'],
    ['<!DOCTYPE html><html><body><p>x</p></body></html>', 'html'],
    ['\ufeff<html><head><meta charset="utf-8"></head></html>', 'html'],
    ['某市儿童发展规划\n一、总则\n', 'txt'],
  ])('%j → %s', (s, f) => expect(sniff(Buffer.from(s))).toBe(f));
  it('OLE compound file with a WordDocument stream → doc; a zip with word/ → docx', () => {
    expect(sniff(readFileSync(path.join(WILD, 'chengchuan-women.doc')))).toBe('doc');
    expect(sniff(readFileSync(path.join(FIXTURES, 'docx', `${SEEDS.suzhou}.docx`)))).toBe('docx');
  });
});

describe('HTML reader', () => {
  it('a GB2312 page: decoded by its <meta charset>, article kept, furniture dropped, table rows as tab rows', async () => {
    const src = await ingestFile(path.join(WILD, 'qingchuan-children.html'));
    expect(src.format).toBe('html');
    expect(src.encoding).toBe('gb18030');
    expect(src.warnings).toEqual([]);
    const lines = src.text.split('\n').map((l) => l.trim());
    expect(lines).toContain('云岭市青川区儿童发展规划');
    expect(lines).toContain('（2021-2030年）');
    expect(lines).toContain('1.婴儿死亡率、5岁以下儿童死亡率分别控制在3‰和4‰以下。');
    expect(lines).toContain('2\t新生儿死亡率（‰）\t2.4\t不得高于3‰');
    for (const junk of ['当前位置', '网站首页', '分享到', '版权所有', 'ICP备', 'fontZoom', '打印本页', '【字体', '区妇儿工委全体会议召开', '.dqwz'])
      expect(src.text, junk).not.toContain(junk);
  });

  it('UTF-8 HTML saved as .txt is read as HTML, with a format-mismatch warning', async () => {
    const src = await ingestFile(path.join(WILD, 'action-plan.txt'));
    expect(src.format).toBe('html');
    expect(src.encoding).toBe('utf-8');
    expect(src.warnings?.map((w) => [w.code, w.severity])).toEqual([['format-mismatch', 'info']]);
    expect(src.text).toContain('序号\t任务\t牵头单位\t责任单位\t完成时限');
    expect(src.text).not.toMatch(/<|您现在的位置|share\.js|网站标识码/);
  });

  it('a page whose <meta charset> says GBK but whose bytes are UTF-8 is still decoded', () => {
    const html = '<html><head><meta charset="gbk"></head><body><p>某县儿童发展规划</p></body></html>';
    expect(decodeHtml(Buffer.from(html, 'utf8'), 'x.html').html).toContain('某县儿童发展规划');
  });

  it("the page's <title> (without the site name) leads the text when the body lacks it", () => {
    const html = '<html><head><title>某县儿童发展规划（2021-2030年）_某县人民政府</title></head><body><div class="content"><p>一、总则</p></div></body></html>';
    expect(htmlToText(html)).toBe('某县儿童发展规划（2021-2030年）\n一、总则\n');
    const same = '<html><head><title>某县儿童发展规划 - 某县政府</title></head><body><h1>某县儿童发展规划</h1></body></html>';
    expect(htmlToText(same)).toBe('某县儿童发展规划\n');
  });
  it('merged cells: a rowspan cell repeats in the rows it covers, an empty cell keeps its column', () => {
    const html = '<table><tr><td>序号</td><td>任务</td><td>牵头单位</td><td>配合单位</td><td>完成时限</td></tr>' +
      '<tr><td>1</td><td>建成儿童之家10个</td><td rowspan="2">县民政局</td><td></td><td>2024年</td></tr>' +
      '<tr><td>2</td><td>建成儿童友好社区3个</td><td>各乡镇</td><td>2025年</td></tr></table>';
    expect(htmlToText(html)).toBe('序号\t任务\t牵头单位\t配合单位\t完成时限\n1\t建成儿童之家10个\t县民政局\t—\t2024年\n2\t建成儿童友好社区3个\t县民政局\t各乡镇\t2025年\n');
    const text = '某县儿童友好城市建设实施方案\n一、目标\n二、任务\n' + htmlToText(html);
    const d = processText({ text, format: 'html' }, 'x.html');
    expect(d.plans[0]!.responsibilities.map((r) => [r.role, r.units.join('、')])).toEqual([['lead', '县民政局'], ['lead', '县民政局'], ['support', '各乡镇']]);
    expect(d.plans[0]!.targets.map((t) => t.year)).toEqual([2024, 2025]);
  });
  it('<br> and block elements become lines; a layout table is read as blocks', () => {
    const html = '<table><tr><td><p>一、总则</p><p>第一段。</p><p>第二段。</p><p>第三段。</p><p>第四段。</p></td></tr></table><div>甲<br>乙</div>';
    expect(htmlToText(html)).toBe('一、总则\n第一段。\n第二段。\n第三段。\n第四段。\n甲\n乙\n');
  });
});

describe('.doc reader (Word 97–2003)', () => {
  it('reads paragraphs and table rows of a real .doc made by a word processor', async () => {
    const src = await ingestFile(path.join(WILD, 'chengchuan-women.doc'));
    expect(src.format).toBe('doc');
    const lines = src.text.split('\n');
    expect(lines).toContain('《澄川县妇女发展规划（2021-2030年）》目标责任分解书（征求意见稿）');
    expect(lines).toContain('县人力资源和社会保障局');
    expect(lines).toContain('1\t建成县级妇女儿童活动中心1个\t县妇联\t县发展改革局、县财政局\t2025年');
  });

  it('a .doc that is really a .docx is read as DOCX, with a warning', async () => {
    const f = path.join(tmpDir('mismatch'), 'plan.doc');
    copyFileSync(path.join(FIXTURES, 'docx', `${SEEDS.suzhou}.docx`), f);
    const src = await ingestFile(f);
    expect(src.format).toBe('docx');
    expect(src.warnings?.[0]?.code).toBe('format-mismatch');
    expect(src.warnings?.[0]?.message).toContain('content is DOCX');
  });
});

describe('unknown formats: one clear line', () => {
  async function err(name: string, bytes: Buffer): Promise<PlandbError> {
    const f = path.join(tmpDir('unknown'), name);
    writeFileSync(f, bytes);
    try {
      await ingestFile(f);
    } catch (e) {
      return e as PlandbError;
    }
    throw new Error('no error');
  }
  it('a zip that holds no Word document', async () => {
    const zip = Buffer.alloc(22);
    zip.writeUInt32LE(0x06054b50, 0);
    const e = await err('sheet.docx', zip);
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.toLine()).toMatch(/sheet\.docx: unknown format: a zip archive without a Word document inside/);
    expect(e.toLine()).not.toContain('\n');
  });
  it('an Office file that is not a Word document', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]);
    const e = await err('book.doc', ole);
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain('not a Word document');
  });
});

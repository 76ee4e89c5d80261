/**
 * DOCX reader: mammoth → HTML → text laid out like the seed .txt plans.
 *
 *  - each <p>/<h1-6>/<li> becomes one line; <br> inside a paragraph becomes a line break;
 *  - each table row (<tr>) becomes one line, its cells joined by `\t` (paragraphs inside a cell
 *    are joined without a separator);
 *  - Word automatic numbering (numbering.xml) is not rendered by mammoth (it only emits <ol><li>),
 *    so before conversion the marker text Word would show (`一、`, `（一）`, `1.`, `（1）`, `①` …) is
 *    computed from numbering.xml/styles.xml and written into the paragraphs as literal text;
 *  - HTML entities are decoded.
 */
import { inflateRawSync } from 'node:zlib';
import mammoth from 'mammoth';
import { fmtBytes, type FileBudget } from './limits.js';
import { PlandbError } from '../errors.js';
import type { IngestedText, Reader } from './types.js';

// ---------------------------------------------------------------------------------------------
// Minimal zip reading/writing (only what is needed to patch word/document.xml)

interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Thrown when a zip's entries inflate to more than the limit (a zip bomb). */
class ZipTooLarge extends Error {}

function readZip(buf: Buffer, maxTotal = Infinity): ZipEntry[] {
  // find End Of Central Directory record
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip end-of-central-directory record missing (truncated file?)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad zip entry ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + csize);
    if (raw.length < csize) throw new Error(`zip entry ${name} is truncated`);
    let data: Buffer;
    const room = maxTotal - total;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = inflateRawSync(raw, Number.isFinite(room) ? { maxOutputLength: Math.max(1, Math.min(room + 1, 2 ** 31 - 1)) } : {});
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipTooLarge(name);
        throw e;
      }
    } else throw new Error(`unsupported zip compression method ${method}`);
    total += data.length;
    if (total > maxTotal) throw new ZipTooLarge(name);
    out.push({ name, data });
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Write a zip with stored (uncompressed) entries. */
function writeZip(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6); // utf-8 names
    lh.writeUInt16LE(0, 8); // stored
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(e.data.length, 18);
    lh.writeUInt32LE(e.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    parts.push(lh, name, e.data);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x0800, 8);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(e.data.length, 20);
    ch.writeUInt32LE(e.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

// ---------------------------------------------------------------------------------------------
// Automatic numbering → literal marker text

interface Level {
  fmt: string;
  text: string;
  start: number;
}

const attr = (xml: string, tag: string, name = 'w:val'): string | undefined => {
  const m = new RegExp(`<${tag}\\b[^>]*?\\b${name}="([^"]*)"`).exec(xml);
  return m?.[1];
};

function parseNumbering(xml: string): { abs: Map<string, Map<number, Level>>; nums: Map<string, { abs: string; starts: Map<number, number> }> } {
  const abs = new Map<string, Map<number, Level>>();
  for (const m of xml.matchAll(/<w:abstractNum\b[^>]*w:abstractNumId="([^"]+)"[^>]*>([\s\S]*?)<\/w:abstractNum>/g)) {
    const levels = new Map<number, Level>();
    for (const l of m[2].matchAll(/<w:lvl\b[^>]*w:ilvl="(\d+)"[^>]*>([\s\S]*?)<\/w:lvl>/g)) {
      levels.set(Number(l[1]), {
        fmt: attr(l[2], 'w:numFmt') ?? 'decimal',
        text: attr(l[2], 'w:lvlText') ?? '',
        start: Number(attr(l[2], 'w:start') ?? '1'),
      });
    }
    abs.set(m[1], levels);
  }
  const nums = new Map<string, { abs: string; starts: Map<number, number> }>();
  for (const m of xml.matchAll(/<w:num\b[^>]*w:numId="([^"]+)"[^>]*>([\s\S]*?)<\/w:num>/g)) {
    const a = attr(m[2], 'w:abstractNumId');
    if (a === undefined) continue;
    const starts = new Map<number, number>();
    for (const o of m[2].matchAll(/<w:lvlOverride\b[^>]*w:ilvl="(\d+)"[^>]*>([\s\S]*?)<\/w:lvlOverride>/g)) {
      const s = attr(o[2], 'w:startOverride');
      if (s !== undefined) starts.set(Number(o[1]), Number(s));
    }
    nums.set(m[1], { abs: a, starts });
  }
  return { abs, nums };
}

const CN_DIGITS = '〇一二三四五六七八九';
function chineseCount(n: number): string {
  if (n <= 0) return String(n);
  if (n < 10) return CN_DIGITS[n];
  if (n < 20) return '十' + (n % 10 ? CN_DIGITS[n % 10] : '');
  if (n < 100) return CN_DIGITS[Math.floor(n / 10)] + '十' + (n % 10 ? CN_DIGITS[n % 10] : '');
  return String(n);
}
function roman(n: number): string {
  const t: [number, string][] = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let s = '';
  for (const [v, r] of t) while (n >= v) (s += r), (n -= v);
  return s;
}
function formatNumber(n: number, fmt: string): string {
  switch (fmt) {
    case 'decimal':
    case 'decimalZero':
      return fmt === 'decimalZero' && n < 10 ? `0${n}` : String(n);
    case 'decimalFullWidth':
    case 'decimalFullWidth2':
      return String(n).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    case 'chineseCounting':
    case 'chineseCountingThousand':
    case 'japaneseCounting':
    case 'ideographTraditional':
    case 'taiwaneseCounting':
    case 'taiwaneseCountingThousand':
    case 'chineseLegalSimplified':
      return chineseCount(n);
    case 'ideographDigital':
    case 'taiwaneseDigital':
    case 'japaneseDigitalTenThousand':
      return String(n).replace(/\d/g, (d) => CN_DIGITS[Number(d)]);
    case 'decimalEnclosedCircle':
    case 'decimalEnclosedCircleChinese':
    case 'ideographEnclosedCircle':
      return n >= 1 && n <= 20 ? String.fromCharCode(0x2460 + n - 1) : `(${n})`;
    case 'decimalEnclosedParen':
      return `(${n})`;
    case 'decimalEnclosedFullstop':
      return `${n}.`;
    case 'lowerLetter':
      return String.fromCharCode(97 + ((n - 1) % 26)).repeat(Math.floor((n - 1) / 26) + 1);
    case 'upperLetter':
      return String.fromCharCode(65 + ((n - 1) % 26)).repeat(Math.floor((n - 1) / 26) + 1);
    case 'lowerRoman':
      return roman(n).toLowerCase();
    case 'upperRoman':
      return roman(n);
    default:
      return String(n);
  }
}

/** The paragraph text already begins with a written-out list marker (`一、`, `（一）`, `1.`, `（1）`, `①`). */
const LITERAL_MARKER = /^(?:第[一二三四五六七八九十百零〇\d]+[章节条]|[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,3}[.．、](?!\d)|[①-⑳])/;

const escXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescXml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/**
 * Write the marker text of automatically numbered paragraphs into document.xml.
 * Returns undefined when the document shows no automatic numbers (nothing to do).
 */
function materializeNumbering(entries: ZipEntry[]): Buffer | undefined {
  const get = (n: string) => entries.find((e) => e.name === n);
  const numEntry = get('word/numbering.xml');
  const docEntry = get('word/document.xml');
  if (!numEntry || !docEntry) return undefined;
  const { abs, nums } = parseNumbering(numEntry.data.toString('utf8'));
  const shows = (l: Level | undefined) => !!l && l.fmt !== 'none' && l.fmt !== 'bullet' && /%\d/.test(l.text);
  if (![...abs.values()].some((lv) => [...lv.values()].some(shows))) return undefined;

  // paragraph styles that carry numbering
  const styleNum = new Map<string, { numId: string; ilvl: number }>();
  const stylesXml = get('word/styles.xml')?.data.toString('utf8') ?? '';
  for (const m of stylesXml.matchAll(/<w:style\b[^>]*w:styleId="([^"]+)"[^>]*>([\s\S]*?)<\/w:style>/g)) {
    const numId = attr(m[2], 'w:numId');
    if (numId) styleNum.set(m[1], { numId, ilvl: Number(attr(m[2], 'w:ilvl') ?? '0') });
  }

  const counters = new Map<string, number[]>(); // per abstractNum: current count per level
  const doc = docEntry.data.toString('utf8');
  let changed = false;
  const patched = doc.replace(/<w:p\b(?:[^>]*[^/])?>([\s\S]*?)<\/w:p>/g, (whole, inner: string) => {
    const pPr = /<w:pPr>([\s\S]*?)<\/w:pPr>/.exec(inner)?.[1] ?? '';
    let numId = attr(pPr, 'w:numId');
    let ilvl = Number(attr(pPr, 'w:ilvl') ?? '0');
    if (numId === undefined) {
      const st = attr(pPr, 'w:pStyle');
      const sn = st ? styleNum.get(st) : undefined;
      if (!sn) return whole;
      numId = sn.numId;
      if (attr(pPr, 'w:ilvl') === undefined) ilvl = sn.ilvl;
    }
    const num = nums.get(numId);
    if (!num || numId === '0') return whole;
    const levels = abs.get(num.abs);
    const lvl = levels?.get(ilvl);
    if (!levels || !lvl) return whole;
    // advance counters (per abstract list), resetting deeper levels
    let c = counters.get(num.abs);
    if (!c) counters.set(num.abs, (c = []));
    const startOf = (k: number) => num.starts.get(k) ?? levels.get(k)?.start ?? 1;
    c[ilvl] = c[ilvl] === undefined ? startOf(ilvl) : c[ilvl] + 1;
    c.length = ilvl + 1;
    if (!shows(lvl)) return whole;
    const marker = lvl.text.replace(/%(\d)/g, (_, d: string) => {
      const k = Number(d) - 1;
      const l = levels.get(k);
      const v = c![k] ?? startOf(k);
      return formatNumber(v, k === ilvl ? lvl.fmt : (l?.fmt ?? 'decimal'));
    });
    // text the paragraph already starts with: don't repeat a literal marker
    const plain = [...inner.matchAll(/<w:t\b[^>]*>([^<]*)<\/w:t>/g)].map((m) => unescXml(m[1])).join('');
    const lead = plain.trimStart();
    if (lead.startsWith(marker) || LITERAL_MARKER.test(lead)) return whole;
    const run = `<w:r><w:t xml:space="preserve">${escXml(marker)}</w:t></w:r>`;
    changed = true;
    const at = whole.indexOf('</w:pPr>');
    if (at >= 0) return whole.slice(0, at + 8) + run + whole.slice(at + 8);
    const open = whole.indexOf('>') + 1;
    return whole.slice(0, open) + run + whole.slice(open);
  });
  if (!changed) return undefined;
  return writeZip(entries.map((e) => (e === docEntry ? { name: e.name, data: Buffer.from(patched, 'utf8') } : e)));
}

// ---------------------------------------------------------------------------------------------
// HTML → text

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ', mdash: '—', ndash: '–', hellip: '…', ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', middot: '·', times: '×', divide: '÷', le: '≤', ge: '≥', deg: '°', permil: '‰', copy: '©', reg: '®' };
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED[e] ?? m;
  });
}

function htmlToText(html: string): string {
  const lines: string[] = [];
  let buf = ''; // current block's text
  let inBlock = 0; // depth of p/h/li
  // table state: stack because tables can nest
  const tables: { row: string[] | null; cell: string | null }[] = [];
  const flushBlock = () => {
    const t = buf.replace(/[ \t\u00a0\u3000]+$/g, '').replace(/^[ \u00a0]+/, '');
    buf = '';
    if (!t.trim()) return;
    const tb = tables[tables.length - 1];
    if (tb && tb.cell !== null) tb.cell += t.replace(/\n/g, '');
    else lines.push(...t.split('\n'));
  };
  const re = /<(\/?)([a-zA-Z0-9]+)\b[^>]*?(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    if (m[4] !== undefined) {
      buf += decodeEntities(m[4]).replace(/[\r\n]+/g, ' ');
      continue;
    }
    const close = m[1] === '/';
    const tag = m[2].toLowerCase();
    const selfClose = m[3] === '/';
    switch (tag) {
      case 'p':
      case 'h1':
      case 'h2':
      case 'h3':
      case 'h4':
      case 'h5':
      case 'h6':
      case 'li':
      case 'ol':
      case 'ul':
      case 'blockquote':
        // any block boundary ends the text collected so far (an <li> holding a nested list
        // ends its own line at the nested list)
        flushBlock();
        if (tag === 'p' || tag === 'li' || tag[0] === 'h') inBlock += close ? -1 : 1;
        break;
      case 'br':
        buf += '\n';
        break;
      case 'table':
        flushBlock();
        if (!close) tables.push({ row: null, cell: null });
        else tables.pop();
        break;
      case 'tr': {
        flushBlock();
        const tb = tables[tables.length - 1];
        if (!tb) break;
        if (!close) tb.row = [];
        else if (tb.row) {
          const row = tb.row;
          tb.row = null;
          if (row.some((c) => c.trim())) {
            const text = row.map((c) => c.replace(/\t/g, ' ').trim()).join('\t');
            const outer = tables[tables.length - 2];
            if (outer && outer.cell !== null) outer.cell += text.replace(/\t/g, ' ');
            else lines.push(text);
          }
        }
        break;
      }
      case 'td':
      case 'th': {
        flushBlock();
        const tb = tables[tables.length - 1];
        if (!tb) break;
        if (!close) {
          tb.cell = '';
        } else if (tb.cell !== null) {
          (tb.row ??= []).push(tb.cell);
          tb.cell = null;
        }
        break;
      }
      default:
        if (selfClose && tag === 'img') buf += '';
        break;
    }
  }
  flushBlock();
  void inBlock;
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

function corrupt(file: string, reason: string): PlandbError {
  const r = reason.split('\n')[0].replace(/\.$/, '').trim();
  return new PlandbError('DOCX_CORRUPT', `not a valid .docx (${r})`, file);
}

/** Characters of text in document.xml (its <w:t> runs), counted without parsing: refuses a text bomb before mammoth. */
function xmlTextLength(xml: Buffer): number {
  let n = 0;
  for (const m of xml.toString('utf8').matchAll(/<w:t(?:\s[^>]*)?>([^<]*)</g)) n += m[1]!.length;
  return n;
}

async function readDocx(buf: Buffer, file: string, budget?: FileBudget): Promise<IngestedText> {
  if (buf.length === 0) throw new PlandbError('EMPTY', 'file is empty', file);
  if (buf.length < 22 || buf.readUInt32LE(0) !== 0x04034b50) {
    const hint = buf.subarray(0, 8).toString('hex') === 'd0cf11e0a1b11ae1' ? 'an old binary .doc file, not a zip archive; save it as .docx' : 'not a zip archive';
    throw corrupt(file, hint);
  }
  let input = buf;
  const maxUnzipped = budget?.limits.maxDecompressedBytes ?? Infinity;
  try {
    const entries = readZip(buf, maxUnzipped);
    const doc = entries.find((e) => e.name === 'word/document.xml');
    if (!doc) throw new Error('zip archive has no word/document.xml');
    budget?.text(xmlTextLength(doc.data));
    budget?.check('unzipping');
    input = materializeNumbering(entries) ?? buf;
  } catch (e) {
    if (e instanceof PlandbError) throw e;
    if (e instanceof ZipTooLarge) {
      throw new PlandbError('TOO_LARGE', `decompresses to more than ${fmtBytes(maxUnzipped)} (limit; at ${e.message}): refused as a zip bomb`, file);
    }
    throw corrupt(file, (e as Error)?.message ?? String(e));
  }
  let html: string;
  try {
    const res = await mammoth.convertToHtml({ buffer: input });
    html = res.value;
  } catch (e) {
    throw corrupt(file, (e as Error)?.message ?? String(e));
  }
  const text = htmlToText(html);
  if (!text.trim()) throw new PlandbError('EMPTY', 'the .docx contains no text', file);
  return { text: text.endsWith('\n') ? text : `${text}\n`, format: 'docx' };
}

export const docxReader: Reader = {
  format: 'docx',
  extensions: ['.docx'],
  read: readDocx,
};

/**
 * HTML reader: a saved government web page → plain text laid out like the seed .txt plans.
 *  - decoding: BOM, then `<meta charset>` / `http-equiv` (GB2312, GBK, UTF-8 are all common;
 *    GB2312/GBK are read as GB18030, their superset), else strict UTF-8, else GB18030;
 *  - boilerplate out: scripts, styles, navigation, breadcrumbs (当前位置), sidebars, share and
 *    print links, footers — by tag, by class/id words, by link density, and by line vocabulary;
 *  - `<p>`/`<br>`/`<div>`/headings/list items become lines; a data table's `<tr>` becomes one
 *    line with its cells joined by `\t`; a layout table (page scaffolding) is read as blocks.
 */
import { parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';
import { PlandbError } from '../errors.js';
import type { IngestedText, Reader } from './types.js';

const DROP_TAGS = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'nav', 'aside', 'form', 'select', 'button', 'input', 'textarea', 'object', 'embed', 'svg', 'head', 'title', 'map', 'video', 'audio', 'footer']);
const BLOCK_TAGS = new Set(['p', 'div', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'ul', 'ol', 'dl', 'dd', 'dt', 'section', 'article', 'main', 'header', 'blockquote', 'pre', 'center', 'hr', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'caption', 'address', 'figure', 'figcaption']);
/** class / id words of page furniture */
const BOILERPLATE_ATTR = /(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|sidebar|side|share|bdshare|print|toolbar|copyright|login|search|banner|topbar|weizhi|dqwz|position|location|fenxiang|related|xgwz|pager)(?:$|[\s_-]|\d)/i;
/** lines of page furniture that survive in the body */
const BOILERPLATE_LINE = /^(?:当前位置|您现在的位置|您当前的位置|您当前所在位置|您的位置|所在位置)|【\s*字体|字号[:：]?\s*[大中小]|打印本页|【\s*打印|关闭窗口|分享到|扫一扫在手机|返回顶部|上一篇|下一篇|网站地图|版权所有|主办单位[:：]|技术支持[:：]|ICP备|公网安备/u;

function attr(el: Element, name: string): string {
  return el.attribs?.[name] ?? '';
}

/** Encoding named by the page itself: BOM, else `<meta charset>` in its first 4 KB. */
export function htmlEncoding(buf: Buffer): string | null {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf-8';
  if (buf[0] === 0xff && buf[1] === 0xfe) return 'utf-16le';
  if (buf[0] === 0xfe && buf[1] === 0xff) return 'utf-16be';
  const head = buf.subarray(0, 4096).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(head);
  if (!m) return null;
  const name = m[1]!.toLowerCase();
  if (/^(gb2312|gbk|gb18030|x-gbk|cp936|euc-cn|hz-gb-2312)$/.test(name)) return 'gb18030';
  if (/^utf-?8$/.test(name)) return 'utf-8';
  if (/^big5/.test(name)) return 'big5';
  return name;
}

export function decodeHtml(buf: Buffer, file: string): { html: string; encoding: string } {
  const declared = htmlEncoding(buf);
  const tryDecode = (enc: string, fatal: boolean): string | null => {
    try {
      const bom = enc === 'utf-8' && buf[0] === 0xef ? 3 : enc.startsWith('utf-16') ? 2 : 0;
      return new TextDecoder(enc, { fatal }).decode(buf.subarray(bom));
    } catch {
      return null;
    }
  };
  if (declared) {
    // a page that lies about its charset (saved by a browser as UTF-8 but still saying gb2312) is
    // common; GBK bytes of Chinese text are practically never valid UTF-8, so valid UTF-8 wins
    if (declared !== 'utf-8' && !declared.startsWith('utf-16')) {
      const utf8 = tryDecode('utf-8', true);
      if (utf8 !== null) return { html: utf8, encoding: 'utf-8' };
    }
    const html = tryDecode(declared, true) ?? (declared === 'utf-8' ? tryDecode('gb18030', true) : null) ?? tryDecode(declared, false);
    if (html !== null) return { html, encoding: declared };
    throw new PlandbError('ENCODING', `cannot decode HTML as ${declared}`, file);
  }
  const utf8 = tryDecode('utf-8', true);
  if (utf8 !== null) return { html: utf8, encoding: 'utf-8' };
  const gb = tryDecode('gb18030', true);
  if (gb !== null) return { html: gb, encoding: 'gb18030' };
  throw new PlandbError('ENCODING', 'cannot decode HTML as UTF-8 or GB18030', file);
}

const isEl = (n: ChildNode): n is Element => n.type === 'tag' || n.type === 'script' || n.type === 'style';

function textOf(n: ChildNode): string {
  if (n.type === 'text') return (n as { data: string }).data;
  if (isEl(n)) return n.children.map(textOf).join('');
  return '';
}

function linkTextOf(n: ChildNode): number {
  if (!isEl(n)) return 0;
  if (n.name === 'a') return textOf(n).replace(/\s/g, '').length;
  return n.children.reduce((s, c) => s + linkTextOf(c), 0);
}

/** Page furniture: by tag, by class/id, or a short block made mostly of links (menus, link lists). */
function isBoilerplate(el: Element): boolean {
  if (DROP_TAGS.has(el.name)) return true;
  if (BOILERPLATE_ATTR.test(`${attr(el, 'class')} ${attr(el, 'id')}`)) return true;
  if (['div', 'ul', 'ol', 'table', 'p', 'td', 'span', 'dl', 'section'].includes(el.name)) {
    const len = textOf(el).replace(/\s/g, '').length;
    if (len > 0 && len < 600 && linkTextOf(el) / len >= 0.6) return true;
  }
  return false;
}

function hasDescendant(el: Element, pred: (e: Element) => boolean): boolean {
  return el.children.some((c) => isEl(c) && (pred(c) || hasDescendant(c, pred)));
}

/** A table used to lay out the page (it holds paragraphs, nested tables, or long text) rather than data. */
function isLayoutTable(t: Element): boolean {
  if (hasDescendant(t, (e) => e.name === 'table')) return true;
  const cells: Element[] = [];
  const collect = (e: Element) => e.children.forEach((c) => isEl(c) && (c.name === 'td' || c.name === 'th' ? cells.push(c) : collect(c)));
  collect(t);
  return cells.some((c) => textOf(c).replace(/\s/g, '').length > 300 || c.children.filter((x) => isEl(x) && ['p', 'div'].includes(x.name)).length > 3);
}

class Out {
  lines: string[] = [];
  cur = '';
  text(s: string) {
    this.cur += s;
  }
  break() {
    const t = this.cur.replace(/[ \t]+/g, ' ').replace(/^ /, '').trimEnd();
    if (t) this.lines.push(t);
    this.cur = '';
  }
}

function walk(n: ChildNode, out: Out): void {
  if (n.type === 'text') {
    out.text((n as { data: string }).data.replace(/[\r\n\t ]+/g, ' '));
    return;
  }
  if (!isEl(n) || isBoilerplate(n)) return;
  if (n.name === 'br') return out.break();
  if (n.name === 'table' && !isLayoutTable(n)) return table(n, out);
  const block = BLOCK_TAGS.has(n.name) || n.name === 'td' || n.name === 'th';
  if (block) out.break();
  for (const c of n.children) walk(c, out);
  if (block) out.break();
}

/** One line per row, cells joined by tabs; text inside a cell stays on one line. */
function table(t: Element, out: Out): void {
  out.break();
  const rows: Element[] = [];
  const collect = (e: Element) => e.children.forEach((c) => isEl(c) && (c.name === 'tr' ? rows.push(c) : c.name !== 'table' && collect(c)));
  collect(t);
  // cells merged down (rowspan) are repeated in the rows they cover, so columns stay aligned
  let carry: Array<{ text: string; left: number } | undefined> = [];
  for (const tr of rows) {
    const cells = tr.children.filter((c): c is Element => isEl(c) && (c.name === 'td' || c.name === 'th'));
    const texts: string[] = [];
    const next: typeof carry = [];
    const fillCarried = () => {
      while (carry[texts.length] && carry[texts.length]!.left > 0) {
        const cc = carry[texts.length]!;
        if (cc.left > 1) next[texts.length] = { text: cc.text, left: cc.left - 1 };
        texts.push(cc.text);
      }
    };
    for (const c of cells) {
      fillCarried();
      const o = new Out();
      walk(c, o);
      o.break();
      const text = o.lines.join(' ').replace(/\t/g, ' ').trim();
      const rs = Math.min(Number(attr(c, 'rowspan')) || 1, 50);
      const cs = Math.min(Number(attr(c, 'colspan')) || 1, 20);
      for (let j = 0; j < cs; j++) {
        if (rs > 1) next[texts.length] = { text, left: rs - 1 };
        texts.push(j === 0 ? text : '');
      }
    }
    fillCarried();
    carry = next;
    if (texts.filter(Boolean).length === 0) continue;
    if (texts.filter(Boolean).length === 1) out.lines.push(texts.find(Boolean)!);
    else {
      // an empty cell inside a row is written as — so that the columns after it keep their place
      let last = texts.length - 1;
      while (last > 0 && !texts[last]) last--;
      out.lines.push(texts.slice(0, last + 1).map((t) => t || '—').join('\t'));
    }
  }
}

/** The page's <title> without the site name after it (`…规划_某县人民政府`). */
function pageTitle(doc: ReturnType<typeof parseDocument>): string | null {
  const find = (n: ChildNode): Element | null => {
    if (!isEl(n)) return null;
    if (n.name === 'title') return n;
    for (const c of n.children) {
      const f = find(c);
      if (f) return f;
    }
    return null;
  };
  for (const c of doc.children) {
    const t = find(c);
    if (t) return textOf(t).replace(/\s+/g, ' ').trim().replace(/\s*[_|｜—–-]+\s*[^_|｜—–-]*$/u, '').trim() || null;
  }
  return null;
}

/**
 * Renders decoded HTML to text lines (exported for tests). When the page's <title> is not in the
 * body (the article heading is an image, or sits in stripped page furniture), it becomes the first line.
 */
export function htmlToText(html: string): string {
  const doc = parseDocument(html, { decodeEntities: true, lowerCaseTags: true });
  const out = new Out();
  for (const c of doc.children) walk(c, out);
  out.break();
  const lines = out.lines.map((l) => l.replace(/\u00a0/g, ' ').replace(/[ ]+$/, '')).filter((l) => l.trim() && !BOILERPLATE_LINE.test(l.trim()));
  const title = pageTitle(doc);
  const squash = (x: string) => x.replace(/\s+/g, '');
  if (title && title.length >= 6 && !squash(lines.join('')).includes(squash(title))) lines.unshift(title);
  return lines.join('\n') + '\n';
}

export const htmlReader: Reader = {
  format: 'html',
  extensions: ['.html', '.htm', '.shtml', '.xhtml'],
  async read(buf: Buffer, file: string): Promise<IngestedText> {
    if (buf.length === 0) throw new PlandbError('EMPTY', 'file is empty', file);
    const { html, encoding } = decodeHtml(buf, file);
    const text = htmlToText(html);
    if (!text.trim()) throw new PlandbError('EMPTY', 'web page has no text', file);
    return { text, format: 'html', encoding };
  },
};

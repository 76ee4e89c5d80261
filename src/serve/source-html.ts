/**
 * A plan's normalized text as HTML: heading lines as headings, every fact marked at its span.
 * The text is cut at every fact and heading boundary; each piece is escaped and carries its offset
 * (data-o, into the normalized text) so the page can turn a selection back into a span, and the ids
 * of the facts that cover it (data-f). Overlapping facts are fine: a piece lists all of them.
 */
import { esc } from './security.js';

export interface Span {
  /** fact id: t12 (target) or r5 (responsibility) */
  id: string;
  start: number;
  end: number;
  /** css classes: kind and review status */
  cls: string;
}

export interface HeadingSpan {
  id: number;
  level: number;
  start: number;
  end: number;
}

/**
 * `text` is the normalized text of the source from `base` on (the plan's slice): offsets in spans and
 * headings are offsets into the whole normalized text.
 */
export function sourceHtml(text: string, base: number, spans: Span[], headings: HeadingSpan[], anchors: Array<{ id: string; at: number }> = []): string {
  const end = base + text.length;
  const clamp = (n: number) => Math.max(base, Math.min(end, n));
  const facts = spans.map((s) => ({ ...s, start: clamp(s.start), end: clamp(s.end) })).filter((s) => s.end > s.start);
  const heads = headings
    .map((h) => ({ ...h, start: clamp(h.start), end: clamp(h.end) }))
    .filter((h) => h.end > h.start)
    .sort((a, b) => a.start - b.start);
  const cuts = new Set<number>([base, end]);
  for (const f of facts) cuts.add(f.start).add(f.end);
  for (const h of heads) cuts.add(h.start).add(h.end);
  const anchorAt = new Map<number, string[]>();
  for (const a of anchors) {
    const at = clamp(a.at);
    cuts.add(at);
    anchorAt.set(at, [...(anchorAt.get(at) ?? []), a.id]);
  }
  const points = [...cuts].sort((a, b) => a - b);

  const byStart = [...facts].sort((a, b) => a.start - b.start || b.end - a.end);
  let next = 0;
  let active: typeof facts = [];
  let hi = 0;
  const out: string[] = [];
  let open: 'heading' | 'text' | null = null;
  let openHeading = -1;

  const close = () => {
    if (open === 'heading') out.push(`</h${Math.min(6, heads[openHeading]!.level + 1)}>`);
    else if (open === 'text') out.push('</div>');
    open = null;
  };

  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k]!;
    const b = points[k + 1]!;
    while (next < byStart.length && byStart[next]!.start <= a) active.push(byStart[next++]!);
    active = active.filter((f) => f.end > a);
    while (hi < heads.length && heads[hi]!.end <= a) hi++;
    const inHeading = hi < heads.length && heads[hi]!.start <= a;
    if (inHeading && !(open === 'heading' && openHeading === hi)) {
      close();
      const h = heads[hi]!;
      out.push(`<h${Math.min(6, h.level + 1)} id="s${h.id}" class="src-h">`);
      open = 'heading';
      openHeading = hi;
    } else if (!inHeading && open !== 'text') {
      close();
      out.push('<div class="src-t">');
      open = 'text';
    }
    let piece = text.slice(a - base, b - base);
    let at = a;
    if (inHeading) piece = piece.replace(/\n/g, ' ');
    else if (out[out.length - 1] === '<div class="src-t">' && piece.startsWith('\n')) {
      // the line break after a heading is the heading's end, not a blank line
      piece = piece.slice(1);
      at++;
    }
    for (const id of anchorAt.get(a) ?? []) out.push(`<span id="${esc(id)}" class="anchor"></span>`);
    if (!piece) continue;
    if (active.length) {
      const inner = active.reduce((x, y) => (y.end - y.start < x.end - x.start ? y : x));
      const ids = active.map((f) => f.id).join(' ');
      const first = active.filter((f) => f.start === a).map((f) => ` id="${f.id}"`)[0] ?? '';
      out.push(`<mark${first} class="f ${inner.cls}${active.length > 1 ? ' multi' : ''}" data-f="${esc(ids)}" data-o="${at}" tabindex="0">${esc(piece)}</mark>`);
    } else out.push(`<span data-o="${at}">${esc(piece)}</span>`);
  }
  close();
  return out.join('');
}

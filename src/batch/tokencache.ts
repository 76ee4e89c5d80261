/**
 * The full-text tokens of a document's items, kept by (hash of the normalized text, jieba dictionary
 * key), so that a rebuild after a rule change that leaves jieba's dictionary alone (indicators,
 * targets, headings, responsibility wording) does not cut every item again: cutting for the index
 * is about a quarter of the extraction work. An entry holds jieba's piece lengths by item span, not
 * the words: the tokens are the item's text sliced at those lengths, so an entry is small and
 * cannot disagree with the text. One JSON file per document, written atomically; an unreadable
 * entry only costs time.
 */
import path from 'node:path';
import { tokensOfPieces, type Tokenizer } from '../store/rows.js';
import { readEntry, writeEntry } from './textcache.js';

interface Entry {
  /** "start:end" of an item in the normalized text → its pieces' lengths in base 36, comma-separated */
  items: Record<string, string>;
}

export class TokenCache {
  constructor(
    /** folder of the entries (created on first write) */
    readonly dir: string,
    /** false: entries are written but never read (`rebuild --force`) */
    readonly read = true,
  ) {}

  private file(contentSha: string, dictKey: string): string {
    return path.join(this.dir, dictKey.slice(0, 16), contentSha.slice(0, 2), `${contentSha}.json`);
  }

  private load(file: string): Record<string, string> {
    const entry = this.read ? readEntry<Entry>(file) : null;
    return entry?.items && typeof entry.items === 'object' ? entry.items : {}; // none: cut again
  }

  /**
   * A tokenizer for one document (by the sha256 of its normalized text) and the call that saves
   * what it had to cut. `cut` is jieba's cut with the dictionary `dictKey` names.
   */
  forDocument(contentSha: string, dictKey: string, cut: (text: string) => string[]): { tokenize: Tokenizer; save: () => void; misses: () => number } {
    const file = this.file(contentSha, dictKey);
    const items = this.load(file);
    let misses = 0;
    const tokenize: Tokenizer = (text, start, end) => {
      const key = `${start}:${end}`;
      const lens = items[key];
      if (lens !== undefined) {
        const pieces = slices(text, lens);
        if (pieces) return tokensOfPieces(pieces);
      }
      misses++;
      const pieces = cut(text);
      // jieba's pieces cover the text exactly; anything else is not cached
      if (pieces.join('') === text) items[key] = pieces.map((p) => p.length.toString(36)).join(',');
      return tokensOfPieces(pieces);
    };
    const save = () => {
      if (misses) writeEntry(file, { items });
    };
    return { tokenize, save, misses: () => misses };
  }
}

/** `text` cut at the stored lengths, or null when they do not cover it exactly. */
function slices(text: string, lens: string): string[] | null {
  if (lens === '') return text === '' ? [] : null;
  const out: string[] = [];
  let at = 0;
  for (const l of lens.split(',')) {
    const n = parseInt(l, 36);
    if (!(n > 0)) return null;
    out.push(text.slice(at, at + n));
    at += n;
  }
  return at === text.length ? out : null;
}

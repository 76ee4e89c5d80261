/**
 * The normalized text of a document, kept by the sha256 of the text it was made from and by the
 * rules normalize reads (normalizeKey): a rule change elsewhere (indicators, units, comparators, the
 * catalogue) re-extracts every file without normalizing it again. normalize is the costliest text
 * stage (see `npm run bench`). One JSON file per entry, written atomically, under a folder per
 * normalize key: `cache/norm/KEY16/ab/abcd….json` (textcache.ts: readEntry, writeEntry).
 */
import path from 'node:path';
import type { NormText } from '../normalize/index.js';
import { sha256 } from '../pipeline.js';
import type { Rules } from '../rules/index.js';
import { PLANDB_VERSION } from '../version.js';
import { readEntry, writeEntry } from './textcache.js';

const normalizeKeys = new WeakMap<Rules, string>();

/**
 * sha256 of plandb's version and of the rule files normalize reads (junk rules; and, for joining
 * lines, the heading patterns, responsibility labels, section blocks and plan titles, document
 * columns). tests/store/bulk-build.test.ts checks that a heading change moves it and an indicator
 * change leaves it.
 */
export function normalizeKey(rules: Rules): string {
  let k = normalizeKeys.get(rules);
  if (!k) {
    const { junk, headings, responsibility, sections, documents } = rules;
    k = sha256(JSON.stringify([`plandb ${PLANDB_VERSION}`, junk, headings, responsibility, sections, documents]));
    normalizeKeys.set(rules, k);
  }
  return k;
}

interface Entry {
  text: string;
  /** the map's length (the text's and one more: the end of the source) */
  n: number;
  /** the map as runs: [at, source offset, at, source offset, …], a run going on while the source offset grows by one */
  runs: number[];
}

export class NormCache {
  constructor(
    /** folder of the entries (created on first write) */
    readonly dir: string,
    /** false: entries are written but never read (`rebuild --force`) */
    readonly read = true,
  ) {}

  private file(textSha: string, rules: Rules): string {
    return path.join(this.dir, normalizeKey(rules).slice(0, 16), textSha.slice(0, 2), `${textSha}.json`);
  }

  get(textSha: string, rules: Rules): NormText | null {
    const e = this.read ? readEntry<Entry>(this.file(textSha, rules)) : null;
    return e && e.n === e.text.length + 1 ? { text: e.text, map: unrun(e.runs, e.n) } : null; // none: normalize again
  }

  put(textSha: string, rules: Rules, norm: NormText): void {
    writeEntry(this.file(textSha, rules), { text: norm.text, n: norm.map.length, runs: runs(norm.map) } satisfies Entry);
  }
}

/** A map as runs of consecutive source offsets (most of a normalized text maps one for one). */
export function runs(map: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < map.length; i++) if (i === 0 || map[i] !== map[i - 1]! + 1) out.push(i, map[i]!);
  return out;
}

/** A map of length `n` back from its runs. */
export function unrun(r: readonly number[], n: number): Int32Array {
  const map = new Int32Array(n);
  for (let k = 0; k < r.length; k += 2) {
    const from = r[k]!;
    const to = k + 2 < r.length ? r[k + 2]! : map.length;
    for (let i = from, v = r[k + 1]!; i < to; i++, v++) map[i] = v;
  }
  return map;
}

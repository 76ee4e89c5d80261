/**
 * The normalized text of a document, kept by the sha256 of the text it was made from and by the
 * rules normalize reads (normalizeKey): a rule change elsewhere (indicators, units, comparators, the
 * catalogue) re-extracts every file without normalizing it again. normalize is the costliest text
 * stage (see `npm run bench`). One JSON file per entry, written atomically, under a folder per
 * normalize key: `cache/norm/KEY16/ab/abcd….json`.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NormText } from '../normalize/index.js';
import { sha256 } from '../pipeline.js';
import type { Rules } from '../rules/index.js';
import { PLANDB_VERSION } from '../version.js';

const normalizeKeys = new WeakMap<Rules, string>();

/**
 * sha256 of plandb's version and of the rule files normalize reads (junk rules; and, for joining
 * lines, the heading patterns, responsibility labels, section blocks and plan titles, document
 * columns). tests/store/normcache.test.ts checks that a change to any other rule file leaves it.
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
  version: string;
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
    if (!this.read) return null;
    try {
      const e = JSON.parse(readFileSync(this.file(textSha, rules), 'utf8')) as Entry;
      return e.version === PLANDB_VERSION && e.n === e.text.length + 1 ? { text: e.text, map: unrun(e.runs, e.n) } : null;
    } catch {
      return null; // missing or unreadable: normalize again
    }
  }

  put(textSha: string, rules: Rules, norm: NormText): void {
    const file = this.file(textSha, rules);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ version: PLANDB_VERSION, text: norm.text, n: norm.map.length, runs: runs(norm.map) } satisfies Entry));
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true }); // a cache that cannot be written only costs time
    }
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

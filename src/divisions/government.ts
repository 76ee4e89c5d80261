/** Which government a responsible unit belongs to: the level its name states, read against the plan's division. */
import { chainOf, resolveDivision, type Division } from './index.js';

export interface PlanPlace {
  /** the plan's region as written (昆山市), or null */
  region: string | null;
  /** the plan's division and its parents, nearest first */
  chain: Division[];
}

/** The country above every province, so that a national plan is every plan's parent. */
export const COUNTRY: Division = { code: '000000', name: '全国', level: 'country', parent: null };

/**
 * A plan's place: its region's division, or a province or the country named at the start of the title
 * (江苏省儿童发展规划, 中国儿童发展纲要). The chain ends with the country.
 */
export function planPlace(region: string | null, title: string): PlanPlace & { division: Division | null } {
  let d = resolveDivision(region, title);
  if (!d) {
    const m = /^(.{2,3}省|.{2,8}?自治区|北京市|天津市|上海市|重庆市)/u.exec(title);
    if (m) d = resolveDivision(m[1], title);
  }
  const national = !d && /^(?:中国|国家|全国)/u.test(title);
  const chain = d ? [...chainOf(d.code), COUNTRY] : national ? [COUNTRY] : [];
  return { region: region ?? (d?.name ?? (national ? COUNTRY.name : null)), chain, division: d ?? (national ? COUNTRY : null) };
}

const LEVEL_RE = /^(?:(省|市|县|区)(?![场级属直辖])|团([市县区])委)/u;

/**
 * Splits a canonical unit name into government and body: in 昆山市's plan 市卫健委 is 昆山市 + 卫健委,
 * 省教育厅 is 江苏省 + 教育厅, 团市委 is 昆山市 + 团委; a name without a level (妇联, 各区镇) belongs to
 * the plan's own government. A name that already names its place (苏州市卫健委) keeps it.
 */
export function unitGovernment(canonical: string, place: PlanPlace): { government: string; body: string } {
  const own = place.chain[0]?.name ?? place.region ?? '';
  // a name that starts with a division name: 苏州市卫健委, 江苏省教育厅
  const named = /^(.{2,8}?(?:省|市|县|区))(?=.{2,})/u.exec(canonical);
  if (named && resolveDivision(named[1])) return { government: named[1]!, body: canonical.slice(named[1]!.length) };
  const m = LEVEL_RE.exec(canonical);
  if (!m) return { government: own, body: canonical };
  const level = m[1] ?? m[2]!;
  const body = m[2] ? '团委' + canonical.slice(m[0].length) : canonical.slice(1);
  const find = (pred: (d: Division) => boolean) => place.chain.find(pred)?.name;
  let government: string | undefined;
  if (level === '省') government = find((d) => d.level === 'province');
  else if (level === '市') government = find((d) => d.name.endsWith('市') && d.level !== 'province') ?? (own.endsWith('市') ? own : undefined);
  else government = find((d) => d.level === 'county' && d.name.endsWith(level)) ?? (own.endsWith(level) ? own : undefined);
  return { government: government ?? (own ? `${own}·${level}` : level), body };
}



/** How a target's value is written in tables (no imports: the CLI's help and review commands use it too). */

const OP_SIGN: Record<string, string> = { '<=': '≤', '<': '<', '>=': '≥', '>': '>', '=': '', '~': '≈', up: '↑', down: '↓', keep: '保持' };

/** A target's value as people write it: ≤5‰, ≥95%, 1–2项, ≈90%, ↓20%. */
export function formatTarget(t: { op?: unknown; value?: unknown; value2?: unknown; unit?: unknown }): string {
  const num = (v: unknown) => (typeof v === 'number' ? String(Math.round(v * 1e6) / 1e6) : '');
  const unit = typeof t.unit === 'string' ? t.unit : '';
  const op = String(t.op ?? '');
  if (t.value === null || t.value === undefined) return op === 'text' || !op ? '' : `${OP_SIGN[op] ?? op}`;
  // 10 and 1/10万 read as 10/10万, not 101/10万
  const u = /^1\//.test(unit) ? unit.slice(1) : unit;
  if (op === 'range') return `${num(t.value)}–${num(t.value2)}${u}`;
  return `${OP_SIGN[op] ?? op}${num(t.value)}${u}`;
}

/** plandb review / correct / corrections / gold: checking facts in their source and keeping the fixes. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { FactKind, FieldValues, ReviewFact, Verdict } from '../../index.js';
import { OPS, RESPONSIBILITY_FIELD_NAMES as RESPONSIBILITY_FIELDS, ROLES, STATUSES, TARGET_FIELD_NAMES as TARGET_FIELDS, TARGET_KINDS, defaultCorrectionsDir } from '../../corrections/names.js';
import { PlandbError } from '../../errors.js';
import { formatTarget } from '../../query/target-text.js';
import { DEFAULT_DB } from '../../query/format.js';
import type { DB } from '../../store/db.js';
import type { CliState } from '../index.js';

/** What the commands run on: the corrections library, the database and the rules, loaded when a command runs. */
const lib = async () => ({
  ...(await import('../../corrections/index.js')),
  ...(await import('../../store/db.js')),
  ...(await import('../../query/common.js')),
  ...(await import('../../rules/index.js')),
});

const DEFAULT_CORRECTIONS = defaultCorrectionsDir('corpus');
const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;

async function withDb<T>(file: string, readonly: boolean, fn: (db: DB) => T): Promise<T> {
  const { openDb } = await lib();
  const db = openDb(file, { readonly });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** A fact's fields as one short line: `新生儿死亡率 ≤3‰ 2025 goal` / `lead: 市卫健委、市教育局`. */
export function factSummary(f: ReviewFact): string {
  const v = f.fields as Record<string, unknown>;
  if (f.fact === 'responsibility') return `${v.role}: ${(v.units as string[]).join('、')}`;
  const target = formatTarget(v) || String(v.op);
  return [v.indicator, target, v.year ?? '', v.kind].filter((x) => x !== '').join(' ');
}

// ---------------------------------------------------------------- FIELD=VALUE

const FACT_REF = /^[TR]\d+$/i;
const SPLIT_UNITS = /[、，,；;]/u;

function parseValue(fact: FactKind, field: string, raw: string): unknown {
  const s = raw.trim();
  const nullish = s === '' || s === 'null' || s === '-';
  const bad = (why: string) => new PlandbError('USAGE', `${field}=${raw}: ${why}`);
  if (fact === 'responsibility') {
    if (field === 'role') {
      if (!(ROLES as readonly string[]).includes(s)) throw bad(`role must be one of ${ROLES.join(', ')}`);
      return s;
    }
    const units = s.split(SPLIT_UNITS).map((u) => u.trim()).filter(Boolean);
    if (!units.length) throw bad('give at least one unit (separate them with 、)');
    return units;
  }
  switch (field) {
    case 'indicator':
      if (!s) throw bad('indicator cannot be empty');
      return s;
    case 'op':
      if (!(OPS as readonly string[]).includes(s)) throw bad(`op must be one of ${OPS.join(' ')}`);
      return s;
    case 'kind':
      if (!(TARGET_KINDS as readonly string[]).includes(s)) throw bad(`kind must be one of ${TARGET_KINDS.join(', ')}`);
      return s;
    case 'unit':
      return nullish ? null : s;
    case 'value':
    case 'value2': {
      if (nullish) return null;
      const n = Number(s.normalize('NFKC'));
      if (!Number.isFinite(n)) throw bad('not a number (use null for none)');
      return n;
    }
    case 'year': {
      if (nullish) return null;
      const n = Number(s.normalize('NFKC'));
      if (!Number.isInteger(n) || n < 1900 || n > 2200) throw bad('not a year (use null for none)');
      return n;
    }
  }
  throw bad('unknown field');
}

/** Parses `FIELD=VALUE` arguments for a target or a responsibility; unknown fields are a one-line error. */
export function parseAssignments(fact: FactKind, args: string[]): FieldValues {
  const allowed: readonly string[] = fact === 'target' ? TARGET_FIELDS : RESPONSIBILITY_FIELDS;
  const out: Record<string, unknown> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    const field = eq > 0 ? a.slice(0, eq).trim() : '';
    if (!allowed.includes(field)) throw new PlandbError('USAGE', `'${a}': expected FIELD=VALUE with FIELD one of ${allowed.join(', ')} (a ${fact})`);
    out[field] = parseValue(fact, field, a.slice(eq + 1));
  }
  if (!Object.keys(out).length) throw new PlandbError('USAGE', `give at least one FIELD=VALUE (${allowed.join(', ')})`);
  return out as FieldValues;
}

// ---------------------------------------------------------------- commands

interface DbOpts {
  db: string;
  corrections: string;
  rules?: string;
}

export function registerReview(program: Command, state: CliState): void {
  const io = state.io;

  program
    .command('review')
    .description("a plan's facts in source order, each with its sentence (the span marked ⟦…⟧), page, heading, rule id and review status")
    .argument('<plan...>', 'plan id or an unambiguous part of its title')
    .option('--db <file>', 'plan database', DEFAULT_DB)
    .option('--status <status>', `only facts with this status (${STATUSES.join(', ')})`)
    .option('--targets', 'only targets')
    .option('--responsibilities', 'only responsibilities')
    .option('--json', 'print the plan and its facts as JSON')
    .addHelpText(
      'after',
      examples(['plandb review 1', 'plandb review 昆山 --status extracted', 'plandb correct 1 reject T12   (then: plandb review 1 --status rejected)']),
    )
    .action(async (plan: string[], o: { db: string; status?: string; targets?: boolean; responsibilities?: boolean; json?: boolean }) => {
      if (o.status && !(STATUSES as readonly string[]).includes(o.status)) throw new PlandbError('USAGE', `--status must be one of ${STATUSES.join(', ')}`);
      const { reviewPlan, resolvePlan } = await lib();
      const r = await withDb(o.db, true, (db) => reviewPlan(db, resolvePlan(db, plan.join(' ')).id));
      const facts = r.facts.filter(
        (f) => (!o.status || f.status === o.status) && (!o.targets || f.fact === 'target') && (!o.responsibilities || f.fact === 'responsibility'),
      );
      if (o.json) {
        io.out(JSON.stringify({ ...r, facts }, null, 1));
        return;
      }
      const p = r.plan;
      const byStatus = STATUSES.map((s) => [s, r.facts.filter((f) => f.status === s).length] as const).filter(([, n]) => n);
      io.out(`${p.id} ${p.title}  [${path.basename(p.source)} · plan key ${p.key}]`);
      io.out(`   ${r.facts.length} facts: ${byStatus.map(([s, n]) => `${n} ${s}`).join(', ')}${facts.length !== r.facts.length ? `; ${facts.length} shown` : ''}`);
      for (const f of facts) {
        const where = [f.heading || '—', f.page !== null ? `p.${f.page}` : '', f.rule].filter(Boolean).join('  ');
        const status = f.correction !== null ? `${f.status} #${f.correction}` : f.status;
        io.out(`${f.ref.padEnd(5)}${status.padEnd(14)}${factSummary(f)}`);
        io.out(`     ${where}${f.fact === 'responsibility' ? `  for «${f.quote}»` : ''}`);
        io.out(`     ${f.context.before}⟦${f.context.span}⟧${f.context.after}`.replace(/\n/g, ' ').replace(/\t/g, ' │ '));
      }
      for (const n of r.notes) io.out(`${n.kind} #${n.correction} (${n.action} ${n.fact} «${n.quote}»): ${n.reason}`);
      if (!facts.length) io.out('(no facts)');
    });

  program
    .command('correct')
    .description('record a review decision on a plan, kept in its corrections file and applied on every build')
    .argument('<plan>', 'plan id or an unambiguous part of its title (quote it if it has spaces)')
    .argument('<action>', 'confirm | reject | set | add | undo')
    .argument('[args...]', 'confirm/reject: fact refs (T3 R5); set: a ref then FIELD=VALUE…; add: target|responsibility then FIELD=VALUE…; undo: decision ids')
    .option('--quote <text>', 'add: the missed fact\'s quote, an exact piece of the plan text (white space ignored)')
    .option('--occurrence <n>', 'add: which occurrence of the quote, 0-based, when it occurs more than once')
    .option('--rest', 'confirm: confirm every fact of the plan not yet reviewed')
    .option('--note <text>', 'a note kept with the decision')
    .option('--db <file>', 'plan database (updated at once)', DEFAULT_DB)
    .option('--corrections <dir>', 'corrections folder', DEFAULT_CORRECTIONS)
    .option('--rules <dir>', 'extraction rules folder')
    .addHelpText(
      'after',
      `
Fields: targets ${TARGET_FIELDS.join(', ')} (op: ${OPS.join(' ')}; kind: ${TARGET_KINDS.join(', ')}; null clears value2/unit/year);
        responsibilities ${RESPONSIBILITY_FIELDS.join(', ')} (role: ${ROLES.join(', ')}; units separated by 、)
${examples([
  'plandb correct 1 confirm T1 T2 R1',
  'plandb correct 1 reject T7 --note "hotline number, not a target"',
  "plandb correct 1 set T12 op='>=' value=95 year=2025 T13 unit=%",
  'plandb correct 1 set R4 role=lead units=市卫健委、市教育局',
  'plandb correct 1 add target --quote "孕产妇死亡率控制在10/10万以下" indicator=孕产妇死亡率 op="<=" value=10 unit=1/10万',
  'plandb correct 1 add responsibility --quote "加强儿童早期发展" role=lead units=市卫健委',
  'plandb correct 1 confirm --rest        (after fixing what is wrong)',
  'plandb correct 1 undo 7',
])}`,
    )
    .action(async (planText: string, action: string, args: string[], o: DbOpts & { quote?: string; occurrence?: string; rest?: boolean; note?: string }) => {
      const { correctionsFileFor, loadRules, resolvePlan, reviewPlan } = await lib();
      const { correctPlan } = await import('../../index.js');
      const planId = await withDb(o.db, true, (db) => resolvePlan(db, planText).id);
      const note = o.note;
      const verdicts: Verdict[] = [];
      if (action === 'confirm' || action === 'reject') {
        const refs = [...args];
        if (o.rest) {
          if (action !== 'confirm') throw new PlandbError('USAGE', '--rest goes with confirm');
          const r = await withDb(o.db, true, (db) => reviewPlan(db, planId));
          refs.push(...r.facts.filter((f) => f.status === 'extracted' && !refs.includes(f.ref)).map((f) => f.ref));
          if (!refs.length) io.out('nothing left to confirm');
        } else if (!refs.length) throw new PlandbError('USAGE', `${action}: give fact refs (T3 R5, see plandb review ${planId})`);
        for (const ref of refs) verdicts.push({ action, ref, note });
      } else if (action === 'set') {
        // set T3 value=5 op=<= R2 role=lead: each ref starts a group of FIELD=VALUE
        if (!args[0] || !FACT_REF.test(args[0])) throw new PlandbError('USAGE', 'set: give a fact ref (T3, R5) then FIELD=VALUE…');
        for (let i = 0; i < args.length; ) {
          const ref = args[i++]!;
          const assign: string[] = [];
          while (i < args.length && !FACT_REF.test(args[i]!)) assign.push(args[i++]!);
          const fact: FactKind = /^r/i.test(ref) ? 'responsibility' : 'target';
          verdicts.push({ action: 'edit', ref, set: parseAssignments(fact, assign), note });
        }
      } else if (action === 'add') {
        const [kind, ...assign] = args;
        if (kind !== 'target' && kind !== 'responsibility') throw new PlandbError('USAGE', 'add: say what to add: target or responsibility');
        if (!o.quote) throw new PlandbError('USAGE', 'add: give the quote of the missed fact with --quote');
        let occurrence: number | undefined;
        if (o.occurrence !== undefined) {
          occurrence = Number(o.occurrence);
          if (!Number.isInteger(occurrence) || occurrence < 0) throw new PlandbError('USAGE', '--occurrence must be 0, 1, 2…');
        }
        verdicts.push({ action: 'add', fact: kind, quote: o.quote, occurrence, set: parseAssignments(kind, assign), note });
      } else if (action === 'undo') {
        const ids = args.map((a) => Number(a.replace(/^#/, '')));
        if (!ids.length || ids.some((n) => !Number.isInteger(n) || n < 1)) throw new PlandbError('USAGE', 'undo: give decision ids (the #N shown by plandb review)');
        verdicts.push({ action: 'undo', ids });
      } else throw new PlandbError('USAGE', `unknown action '${action}' (expected confirm, reject, set, add or undo)`);
      if (!verdicts.length) return;

      const rep = await correctPlan(planId, verdicts, { db: o.db, corrections: o.corrections, rules: loadRules(o.rules) });
      const n = rep.recorded.length;
      if (n) io.out(`recorded ${n} decision(s) for plan ${rep.plan.id} ${rep.plan.title} in ${correctionsFileFor(o.corrections, rep.plan.key)}`);
      if (rep.undone.length) io.out(`removed decision(s) ${rep.undone.map((i) => `#${i}`).join(', ')}`);
      const missing = verdicts.flatMap((v) => (v.action === 'undo' ? v.ids.filter((i) => !rep.undone.includes(i)) : []));
      if (missing.length) io.err(`plandb: warning: no decision ${missing.map((i) => `#${i}`).join(', ')} in plan ${rep.plan.id}`);
      for (const w of rep.reviewNotes) io.err(`plandb: warning: ${w.kind} decision #${w.correction} (${w.action} ${w.fact} «${w.quote}»): ${w.reason}`);
      if (!rep.reapplied) io.err(`plandb: warning: source ${rep.plan.source} not found; the decisions apply at the next plandb rebuild`);
      else io.out(rep.reviewed ? `plan ${rep.plan.id} is fully reviewed (plandb gold ${rep.plan.id} writes it as gold)` : `${rep.unreviewed} fact(s) left to review (plandb review ${rep.plan.id} --status extracted)`);
    });

  program
    .command('corrections')
    .description('list the corrections files: decisions by plan with counts; --stale lists decisions that no longer match their plan')
    .option('--corrections <dir>', 'corrections folder', DEFAULT_CORRECTIONS)
    .option('--db <file>', 'plan database (for plan ids and stale decisions found at the last build)', DEFAULT_DB)
    .option('--stale', 'only decisions that did not apply at the last build (exit code 1 if any)')
    .option('--json', 'print as JSON')
    .action(async (o: { corrections: string; db: string; stale?: boolean; json?: boolean }) => {
      const { loadCorrections } = await lib();
      const set = loadCorrections(o.corrections);
      const inDb = existsSync(o.db)
        ? await withDb(o.db, true, (db) => ({
            plans: new Map((db.prepare('SELECT plan_key, id FROM plans').all() as Array<{ plan_key: string; id: number }>).map((r) => [r.plan_key, r.id])),
            notes: db
              .prepare('SELECT p.plan_key, n.correction_id AS correction, n.action, n.fact, n.quote, n.occurrence, n.kind, n.reason FROM review_notes n JOIN plans p ON p.id = n.plan_id ORDER BY p.id, n.correction_id')
              .all() as Array<{ plan_key: string; correction: number; action: string; fact: string; quote: string; occurrence: number; kind: string; reason: string }>,
          }))
        : { plans: new Map<string, number>(), notes: [] };
      const rows = [...set.plans.values()].map((p) => {
        const count = (a: string) => p.data.decisions.filter((d) => d.action === a).length;
        const notes = inDb.notes.filter((n) => n.plan_key === p.data.plan);
        return {
          plan_id: inDb.plans.get(p.data.plan) ?? null,
          plan_key: p.data.plan,
          title: p.data.title ?? '',
          file: p.file,
          reviewed: p.data.reviewed,
          decisions: p.data.decisions.length,
          confirm: count('confirm'),
          reject: count('reject'),
          edit: count('edit'),
          add: count('add'),
          stale: notes.filter((n) => n.kind === 'stale'),
          restored: notes.filter((n) => n.kind === 'restored'),
        };
      });
      const stale = rows.flatMap((r) => [
        ...(r.plan_id === null ? [{ plan: r.title || r.plan_key, file: r.file, decision: null as number | null, reason: `plan not in ${o.db} (renamed, removed, or not built yet)` }] : []),
        ...r.stale.map((n) => ({ plan: r.title, file: r.file, decision: n.correction, reason: `${n.action} ${n.fact} «${n.quote}» (occurrence ${n.occurrence}): ${n.reason}` })),
      ]);
      if (o.json) io.out(JSON.stringify(o.stale ? stale : rows, null, 1));
      else if (o.stale) {
        for (const s of stale) io.out(`${s.file}${s.decision !== null ? ` #${s.decision}` : ''}: ${s.plan}: ${s.reason}`);
        io.out(stale.length ? `${stale.length} stale decision(s): fix their quote or remove them (plandb correct PLAN undo ID)` : 'no stale decisions');
      } else {
        if (!rows.length) io.out(`no corrections in ${o.corrections} (record some with plandb correct)`);
        for (const r of rows) {
          io.out(`${r.plan_id ?? '-'} ${r.title}  ${r.reviewed ? '[reviewed]' : ''}`.trimEnd());
          io.out(`   ${r.decisions} decisions: ${r.confirm} confirm, ${r.reject} reject, ${r.edit} edit, ${r.add} add${r.stale.length ? `; ${r.stale.length} STALE` : ''}${r.restored.length ? `; ${r.restored.length} restored` : ''}   ${r.file}`);
        }
      }
      if (o.stale && stale.length) state.exitCode = 1;
    });

  program
    .command('gold')
    .description("write a reviewed plan's facts (rejected ones left out) in the gold format of tests/gold/FORMAT.md")
    .argument('<plan...>', 'plan id or an unambiguous part of its title')
    .option('--db <file>', 'plan database', DEFAULT_DB)
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .option('--allow-unreviewed', 'include facts not yet reviewed, as extracted')
    .addHelpText('after', examples(['plandb gold 1 -o gold/000.json', 'node tests/fixtures/reference-score.mjs tests/gold/000_b494f9743fcea215.json gold/000.json']))
    .action(async (plan: string[], o: { db: string; out?: string; allowUnreviewed?: boolean }) => {
      const { planGold, resolvePlan } = await lib();
      const gold = await withDb(o.db, true, (db) => planGold(db, resolvePlan(db, plan.join(' ')).id, { allowUnreviewed: !!o.allowUnreviewed }));
      const json = JSON.stringify(gold, null, 1);
      if (!o.out) return io.out(json);
      mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
      writeFileSync(o.out, json + '\n', 'utf8');
      const p = gold.plans[0]!;
      io.out(`wrote ${o.out}: ${p.targets.length} targets, ${p.responsibilities.length} responsibilities`);
    });
}

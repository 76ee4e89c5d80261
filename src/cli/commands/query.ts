import type { Command } from 'commander';
import {
  COMPARE_COLUMNS,
  GAP_COLUMNS,
  GAP_SUMMARY_COLUMNS,
  OUTLINE_COLUMNS,
  PLAN_COLUMNS,
  SEARCH_COLUMNS,
  TARGET_COLUMNS,
  UNIT_COLUMNS,
  UNIT_ITEM_COLUMNS,
  addOutputOptions,
  compareIndicator,
  emit,
  exportAll,
  findGaps,
  findTargets,
  gapSummary,
  listPlans,
  listUnits,
  openQueryDb,
  searchItems,
  showPlan,
  unitItems,
  type OutputOptions,
  type ResultSet,
} from '../../query/index.js';
import { DEFAULT_DB } from '../../query/format.js';
import { PlandbError } from '../../errors.js';
import { parseLimit } from '../../query/search.js';
import { dbError, newerNote, unknownMigrations, type DB } from '../../store/db.js';
import type { CliState } from '../index.js';

/** An SQLite error while reading becomes one line naming the database (and saying so when a newer plandb wrote it). */
function queryDbError(e: unknown, db: DB, file: string): unknown {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const err = dbError(e, file);
  if (!db.open) return err;
  const unknown = unknownMigrations(db);
  return unknown.length ? new PlandbError('DB', `${err.message} (the database was ${newerNote(db, unknown)}; upgrade plandb)`, file) : err;
}

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;

/** Query and export commands: thin wrappers over src/query (one function per query, one output module). */
export function registerQuery(program: Command, state: CliState): void {
  const run = async (o: OutputOptions, query: (db: DB) => ResultSet): Promise<void> => {
    const db = openQueryDb(o.db);
    let rs: ResultSet;
    try {
      rs = query(db);
    } catch (e) {
      throw queryDbError(e, db, o.db);
    } finally {
      db.close();
    }
    await emit(state.io, rs, o);
  };

  addOutputOptions(
    program
      .command('plans')
      .description('list the plans: id, title, region, subject, period and counts of sections, items, targets, responsibilities'),
  )
    .addHelpText('after', examples(['plandb plans', 'plandb plans --csv > plans.csv']))
    .action((o: OutputOptions) => run(o, (db) => ({ columns: PLAN_COLUMNS, rows: listPlans(db), sheet: 'plans' })));

  addOutputOptions(
    program
      .command('show')
      .description("a plan's outline: its heading tree with the items, targets and responsibilities under each heading (sub-headings included)")
      .argument('<plan...>', 'plan id or an unambiguous part of its title (words separated by spaces must all match)'),
  )
    .addHelpText('after', examples(['plandb show 2', 'plandb show 昆山', 'plandb show "衢州 儿童" --xlsx outline.xlsx']))
    .action((plan: string[], o: OutputOptions) =>
      run(o, (db) => {
        const r = showPlan(db, { plan: plan.join(' ') });
        const p = r.plan;
        return {
          columns: OUTLINE_COLUMNS,
          rows: r.outline,
          sheet: 'outline',
          title: `${p.id} ${p.title}  [${[p.region, p.subject, p.period].filter(Boolean).join(' · ')}]  ${p.source}\n   ${p.sections} headings, ${p.items} items, ${p.targets} targets, ${p.responsibilities} responsibilities\n`,
        };
      }),
    );

  addOutputOptions(program.command('units').description('canonical responsible units, the other names they are written as, and counts by role'))
    .addHelpText('after', examples(['plandb units', 'plandb units --json']))
    .action((o: OutputOptions) => run(o, (db) => ({ columns: UNIT_COLUMNS, rows: listUnits(db), sheet: 'units' })));

  addOutputOptions(
    program
      .command('unit')
      .description("what a unit owns: the targets and items it is named for, with plan, heading and role")
      .argument('<name...>', 'unit as written (any alias: 市卫生健康委员会 finds 市卫健委) or an unambiguous part of its name')
      .option('--role <role>', 'only this role: lead (牵头), support (配合) or responsible (责任单位)'),
  )
    .addHelpText('after', examples(['plandb unit 市卫健委', 'plandb unit 市卫生健康委员会 --role responsible', 'plandb unit 教育局 --xlsx 教育局.xlsx']))
    .action((name: string[], o: OutputOptions & { role?: string }) =>
      run(o, (db) => {
        const r = unitItems(db, { name: name.join(''), role: o.role });
        const targets = r.rows.filter((x) => x.target_id !== null).length;
        const items = new Set(r.rows.map((x) => x.item_id)).size;
        return {
          columns: UNIT_ITEM_COLUMNS,
          rows: r.rows,
          sheet: r.unit.canonical,
          title: `${r.unit.canonical}${o.role ? ` (${o.role})` : ''}: ${items} items, ${targets} targets`,
        };
      }),
    );

  addOutputOptions(
    program
      .command('targets')
      .description('targets (indicators with values), filtered; every filter given must match')
      .option('--indicator <text>', 'part of the indicator name (spacing and full/half width ignored)')
      .option('--plan <text>', 'plan id or part of the title (all matching plans)')
      .option('--unit <name>', 'only targets of items this unit is named for (any role)')
      .option('--year <n>', 'target year (effective_year: the stated year, else the end of the plan period)')
      .option('--kind <kind>', 'goal, measure, table or task'),
  )
    .addHelpText('after', examples(['plandb targets --unit 市卫健委 --year 2025', 'plandb targets --plan 朔州 --kind goal --csv > 朔州.csv', 'plandb targets --indicator 死亡率 --json']))
    .action((o: OutputOptions & { indicator?: string; plan?: string; unit?: string; year?: string; kind?: string }) =>
      run(o, (db) => ({
        columns: TARGET_COLUMNS,
        rows: findTargets(db, { indicator: o.indicator, plan: o.plan, unit: o.unit, year: o.year, kind: o.kind }).rows,
        sheet: 'targets',
      })),
    );

  addOutputOptions(
    program
      .command('compare')
      .description('one indicator across plans: region, plan, op, value, unit, year; names differing only in spacing or width are grouped')
      .argument('<indicator...>', 'indicator name or part of it (spaces are ignored)'),
  )
    .addHelpText('after', examples(['plandb compare 婴儿死亡率', 'plandb compare "5 岁以下儿童死亡率" --xlsx 比较.xlsx']))
    .action((words: string[], o: OutputOptions) =>
      run(o, (db) => {
        const indicator = words.join(' ');
        const c = compareIndicator(db, { indicator });
        return {
          columns: COMPARE_COLUMNS,
          rows: c.rows,
          sheet: 'compare',
          title: `${indicator}: ${c.rows.length} targets in ${c.plans} plans${c.groups.length > 1 ? `, ${c.groups.length} indicators` : ''}`,
        };
      }),
    );

  addOutputOptions(
    program
      .command('gaps')
      .description('goals and items that name no responsible unit, per plan (view v_gaps)')
      .option('--plan <text>', 'plan id or part of the title')
      .option('--summary', 'one line per plan with the number of gaps'),
  )
    .addHelpText('after', examples(['plandb gaps --summary', 'plandb gaps --plan 昆山 --csv > 昆山-gaps.csv']))
    .action((o: OutputOptions & { plan?: string; summary?: boolean }) =>
      run(o, (db) =>
        o.summary
          ? { columns: GAP_SUMMARY_COLUMNS, rows: gapSummary(db, { plan: o.plan }), sheet: 'gaps' }
          : { columns: GAP_COLUMNS, rows: findGaps(db, { plan: o.plan }), sheet: 'gaps' },
      ),
    );

  addOutputOptions(
    program
      .command('search')
      .description('full-text search over the items of every plan: plan, heading and a snippet with the hit marked 【】')
      .argument('<query...>', 'words to find (Chinese is split into words; all must occur)')
      .option('--plan <text>', 'plan id or part of the title')
      .option('--limit <n>', 'at most this many items', '50'),
  )
    .addHelpText('after', examples(['plandb search 近视', 'plandb search 托育 服务 --plan 苏州', 'plandb search 心理健康 --csv > 心理健康.csv']))
    .action((words: string[], o: OutputOptions & { plan?: string; limit: string }) =>
      run(o, (db) => {
        const r = searchItems(db, { query: words.join(' '), plan: o.plan, limit: parseLimit(o.limit) });
        return { columns: SEARCH_COLUMNS, rows: r.rows, sheet: 'search' };
      }),
    );

  program
    .command('export')
    .description('export every table and view as CSV (UTF-8 with BOM, for Excel) plus one workbook plandb.xlsx with a sheet per table')
    .requiredOption('--out <dir>', 'folder to write (created if missing)')
    .option('--db <file>', 'plan database (opened read-only)', DEFAULT_DB)
    .addHelpText('after', examples(['plandb export --out export/']))
    .action(async (o: { out: string; db: string }) => {
      const db = openQueryDb(o.db);
      try {
        const r = await exportAll(db, { out: o.out }).catch((e: unknown) => {
          throw queryDbError(e, db, o.db);
        });
        for (const t of r.tables) state.io.out(`${t.csv}  ${t.rows} rows${t.type === 'view' ? ' (view)' : ''}`);
        state.io.out(`${r.workbook}  ${r.tables.length} sheets`);
      } finally {
        db.close();
      }
    });
}

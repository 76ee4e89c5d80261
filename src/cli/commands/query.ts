import type { Command } from 'commander';
import { DEFAULT_DB, addOutputOptions, emit, pageFor, type OutputOptions, type ResultSet } from '../../query/format.js';
import { PlandbError } from '../../errors.js';
import type { DB } from '../../store/read.js';
import type { CliState } from '../index.js';

// Each command loads its query module when it runs (`await import`), so that `plandb --help` and a
// quick `plandb plans` do not load what other commands need (the extraction rules, jieba, ExcelJS).

/** An SQLite error while reading becomes one line naming the database (and saying so when a newer plandb wrote it). */
async function queryDbError(e: unknown, db: DB, file: string): Promise<unknown> {
  const { newerNoteOf, readDbError, unknownMigrationsOf } = await import('../../store/read.js');
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const err = readDbError(e, file);
  if (!db.open) return err;
  const unknown = unknownMigrationsOf(db);
  return unknown.length ? new PlandbError('DB', `${err.message} (the database was ${newerNoteOf(db, unknown)}; upgrade plandb)`, file) : err;
}

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;

/** Query and export commands: thin wrappers over src/query (one function per query, one output module). */
export function registerQuery(program: Command, state: CliState): void {
  const run = async (o: OutputOptions, query: (db: DB) => ResultSet): Promise<void> => {
    const { openQueryDb } = await import('../../query/common.js');
    const db = openQueryDb(o.db);
    let rs: ResultSet;
    try {
      rs = query(db);
    } catch (e) {
      throw await queryDbError(e, db, o.db);
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
    .action(async (o: OutputOptions) => {
      const { PLAN_COLUMNS, pagePlans } = await import('../../query/plans.js');
      const page = pageFor(o);
      return run(o, (db) => ({ columns: PLAN_COLUMNS, ...pagePlans(db, page), sheet: 'plans' }));
    });

  addOutputOptions(
    program
      .command('show')
      .description("a plan's outline: its heading tree with the items, targets and responsibilities under each heading (sub-headings included)")
      .argument('<plan...>', 'plan id or an unambiguous part of its title (words separated by spaces must all match)'),
  )
    .addHelpText('after', examples(['plandb show 2', 'plandb show 昆山', 'plandb show "衢州 儿童" --xlsx outline.xlsx']))
    .action(async (plan: string[], o: OutputOptions) => {
      const { OUTLINE_COLUMNS, showPlan } = await import('../../query/plans.js');
      return run(o, (db) => {
        const r = showPlan(db, { plan: plan.join(' ') });
        const p = r.plan;
        return {
          columns: OUTLINE_COLUMNS,
          rows: r.outline,
          sheet: 'outline',
          title: `${p.id} ${p.title}  [${[p.region, p.subject, p.period].filter(Boolean).join(' · ')}]  ${p.source}\n   ${p.sections} headings, ${p.items} items, ${p.targets} targets, ${p.responsibilities} responsibilities\n`,
        };
      });
    });

  addOutputOptions(
    program
      .command('units')
      .description("responsible units: each a government's body (昆山市 + 卫健委), the other names it is written as, and counts by role")
      .option('--plan <text>', 'only the units of this plan (id or part of the title)'),
  )
    .addHelpText('after', examples(['plandb units', 'plandb units --plan 昆山', 'plandb units --tsv']))
    .action(async (o: OutputOptions & { plan?: string }) => {
      const { UNIT_COLUMNS, pageUnits } = await import('../../query/units.js');
      const page = pageFor(o);
      return run(o, (db) => ({ columns: UNIT_COLUMNS, ...pageUnits(db, { plan: o.plan }, page), sheet: 'units' }));
    });

  addOutputOptions(
    program
      .command('unit')
      .description("what a unit owns: the targets and items it is named for, with plan, heading and role")
      .argument('<name...>', 'a qualified unit (衢州市卫健委), a body of every government (卫健委), a body at a level (市卫健委), any alias, or an unambiguous part of a name')
      .option('--region <text>', 'only governments whose name contains this (衢州)')
      .option('--role <role>', 'only this role: lead/牵头, support/配合 or responsible/责任'),
  )
    .addHelpText('after', examples(['plandb unit 卫健委', 'plandb unit 衢州市卫健委', 'plandb unit 市卫健委 --region 衢州 --role 责任', 'plandb unit 教育局 --xlsx 教育局.xlsx']))
    .action(async (name: string[], o: OutputOptions & { role?: string; region?: string }) => {
      const { UNIT_ITEM_COLUMNS, unitItems } = await import('../../query/units.js');
      const page = pageFor(o);
      return run(o, (db) => {
        const r = unitItems(db, { name: name.join(''), role: o.role, region: o.region, page });
        const us = r.unit.units;
        // a body of many governments: the first few named, then how many more
        const govs = us.length > 1 ? ` (${us.slice(0, 12).map((u) => u.canonical).join('、')}${us.length > 12 ? ` and ${us.length - 12} more` : ''})` : '';
        return {
          columns: UNIT_ITEM_COLUMNS,
          rows: r.rows,
          total: r.total,
          offset: r.offset,
          sheet: r.unit.label,
          title: `${r.unit.label}${govs}${o.role ? ` [${o.role}]` : ''}: ${r.items} items, ${r.targets} targets`,
        };
      });
    });

  addOutputOptions(
    program
      .command('targets')
      .description('targets (indicators with values), filtered; every filter given must match')
      .option('--indicator <text>', 'part of the indicator name (spacing and full/half width ignored)')
      .option('--plan <text>', 'plan id or part of the title (all matching plans)')
      .option('--unit <name>', 'only targets of items this unit is named for (any role); a body (卫健委) means every government\'s')
      .option('--region <text>', 'with --unit: only governments whose name contains this')
      .option('--year <n>', 'target year (effective_year: the stated year, else the end of the plan period)')
      .option('--kind <kind>', 'goal/目标, measure/措施, table/指标 or task/任务')
      .option('--include-rejected', 'also list targets a reviewer rejected (plandb correct … reject)'),
  )
    .addHelpText('after', examples(['plandb targets --unit 市卫健委 --year 2025', 'plandb targets --plan 朔州 --kind goal --csv > 朔州.csv', 'plandb targets --indicator 死亡率 --json']))
    .action(async (o: OutputOptions & { indicator?: string; plan?: string; unit?: string; region?: string; year?: string; kind?: string; includeRejected?: boolean }) => {
      const { TARGET_COLUMNS, findTargets } = await import('../../query/targets.js');
      return run(o, (db) => {
        const r = findTargets(db, { indicator: o.indicator, plan: o.plan, unit: o.unit, region: o.region, year: o.year, kind: o.kind, includeRejected: !!o.includeRejected, page: pageFor(o) });
        return { columns: TARGET_COLUMNS, rows: r.rows, total: r.total, offset: r.offset, sheet: 'targets' };
      });
    });

  addOutputOptions(
    program
      .command('compare')
      .description(
        'one indicator across plans, grouped by its catalogue entry (see plandb indicators), each target beside the target of the same indicator in its parent governments\' plans: stricter, equal, looser, or missing (the parent sets none)',
      )
      .argument('<indicator...>', 'catalogue id (H016), indicator name or alias, or part of a name (spaces are ignored)')
      .option('--include-rejected', 'also list targets a reviewer rejected'),
  )
    .addHelpText('after', examples(['plandb compare 新生儿访视率', 'plandb compare H003', 'plandb compare "5 岁以下儿童死亡率" --xlsx 比较.xlsx']))
    .action(async (words: string[], o: OutputOptions & { includeRejected?: boolean }) => {
      const { COMPARE_COLUMNS, compareIndicator } = await import('../../query/compare.js');
      return run(o, (db) => {
        const indicator = words.join(' ');
        const c = compareIndicator(db, { indicator, includeRejected: !!o.includeRejected, page: pageFor(o) });
        const names = c.entry ? `${c.entry.id} ${c.entry.name} (${c.entry.domain}, ${c.entry.better} is better)` : indicator;
        return {
          columns: COMPARE_COLUMNS,
          rows: c.rows,
          total: c.total,
          offset: c.offset,
          sheet: 'compare',
          // counts of the whole comparison, not of the page
          title: `${names}: ${c.targets} targets in ${c.plans} plans${c.groups.length > 1 ? `, written ${c.groups.length} ways` : ''}`,
        };
      });
    });

  addOutputOptions(
    program
      .command('align')
      .description("one plan against its parent governments' plans (same subject, overlapping period): every parent target with the plan's own target of the same indicator beside it, or missing")
      .argument('<plan...>', 'plan id or an unambiguous part of its title'),
  )
    .addHelpText('after', examples(['plandb align 昆山', 'plandb align 3 --tsv']))
    .action(async (plan: string[], o: OutputOptions) => {
      const { ALIGN_COLUMNS, alignPlan } = await import('../../query/compare.js');
      return run(o, (db) => {
        const r = alignPlan(db, { plan: plan.join(' '), page: pageFor(o) });
        const counts = Object.entries(r.counts).map(([v, n]) => `${n} ${v}`).join(', ');
        return {
          columns: ALIGN_COLUMNS,
          rows: r.rows,
          total: r.total,
          offset: r.offset,
          sheet: 'align',
          title: r.parents.length
            ? `${r.plan.title} against ${r.parents.map((p) => p.title).join('; ')}: ${counts}`
            : `${r.plan.title}: no plan of a parent government (same subject, overlapping period) in the database`,
        };
      });
    });

  addOutputOptions(
    program
      .command('indicators')
      .description('the indicator catalogue (extract-rules/indicator-catalogue.yaml) with how many targets and plans use each; --unmapped lists the targets that map to none')
      .option('--unmapped', 'list the targets that map to no catalogue indicator')
      .option('--domain <domain>', 'only this domain: 健康, 教育, 福利, 家庭, 环境, 法律保护, 安全, 经济, 参与决策, 社会保障'),
  )
    .addHelpText('after', examples(['plandb indicators', 'plandb indicators --domain 健康', 'plandb indicators --unmapped --tsv']))
    .action(async (o: OutputOptions & { unmapped?: boolean; domain?: string }) => {
      const { INDICATOR_COLUMNS, catalogueCoverage, pageIndicators, pageUnmapped } = await import('../../query/compare.js');
      const { TARGET_COLUMNS } = await import('../../query/targets.js');
      return run(o, (db) => {
        const c = catalogueCoverage(db);
        const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '–');
        const cover = `${c.mapped}/${c.targets} targets (${pct(c.mapped, c.targets)}) and ${c.tableMapped}/${c.tableRows} table rows (${pct(c.tableMapped, c.tableRows)}) map to the catalogue`;
        const page = pageFor(o);
        const r = o.unmapped ? pageUnmapped(db, page) : pageIndicators(db, { domain: o.domain }, page);
        return { columns: o.unmapped ? TARGET_COLUMNS : INDICATOR_COLUMNS, rows: r.rows, total: r.total, offset: r.offset, sheet: o.unmapped ? 'unmapped' : 'indicators', title: cover };
      });
    });

  addOutputOptions(
    program
      .command('gaps')
      .description('goals and items that name no responsible unit, per plan (view v_gaps)')
      .option('--plan <text>', 'plan id or part of the title')
      .option('--kind <kind>', 'only items of this kind: goal/目标, measure/措施 or task/任务')
      .option('--summary', 'one line per plan with the number of gaps'),
  )
    .addHelpText('after', examples(['plandb gaps --summary', 'plandb gaps --kind 目标', 'plandb gaps --plan 昆山 --csv > 昆山-gaps.csv']))
    .action(async (o: OutputOptions & { plan?: string; kind?: string; summary?: boolean }) => {
      const { GAP_COLUMNS, GAP_SUMMARY_COLUMNS, pageGaps, pageGapSummary } = await import('../../query/gaps.js');
      const page = pageFor(o);
      return run(o, (db) =>
        o.summary
          ? { columns: GAP_SUMMARY_COLUMNS, ...pageGapSummary(db, { plan: o.plan, kind: o.kind }, page), sheet: 'gaps' }
          : { columns: GAP_COLUMNS, ...pageGaps(db, { plan: o.plan, kind: o.kind }, page), sheet: 'gaps' },
      );
    });

  addOutputOptions(
    program
      .command('search')
      .description('full-text search over the items of every plan: plan, heading and a snippet with the hit marked 【】')
      .argument('<query...>', 'words to find (Chinese is split into words; all must occur)')
      .option('--plan <text>', 'plan id or part of the title'),
  )
    .addHelpText('after', examples(['plandb search 近视', 'plandb search 托育 服务 --plan 苏州', 'plandb search 近视 --offset 50', 'plandb search 心理健康 --all --csv > 心理健康.csv']))
    .action(async (words: string[], o: OutputOptions & { plan?: string }) => {
      const { SEARCH_COLUMNS, searchItems } = await import('../../query/search.js');
      return run(o, (db) => {
        // the best 50 hits in every output unless --limit or --all
        const r = searchItems(db, { query: words.join(' '), plan: o.plan, page: pageFor(o, { table: 50, data: 50 }) });
        return { columns: SEARCH_COLUMNS, rows: r.rows, total: r.total, offset: r.offset, sheet: 'search' };
      });
    });

  program
    .command('export')
    .description('export every table and view as CSV (UTF-8 with BOM, for Excel) plus one workbook plandb.xlsx with a sheet per table')
    .requiredOption('--out <dir>', 'folder to write (created if missing)')
    .option('--db <file>', 'plan database (opened read-only)', DEFAULT_DB)
    .addHelpText('after', examples(['plandb export --out export/']))
    .action(async (o: { out: string; db: string }) => {
      const { openQueryDb } = await import('../../query/common.js');
      const { exportAll } = await import('../../query/export.js');
      const db = openQueryDb(o.db);
      try {
        const r = await exportAll(db, { out: o.out }).catch(async (e: unknown) => {
          throw await queryDbError(e, db, o.db);
        });
        for (const t of r.tables) state.io.out(`${t.csv}  ${t.rows} rows${t.type === 'view' ? ' (view)' : ''}`);
        state.io.out(`${r.workbook}  ${r.tables.length} sheets`);
      } finally {
        db.close();
      }
    });
}

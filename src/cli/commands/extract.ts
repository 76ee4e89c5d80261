import type { Command } from 'commander';
import type { CliState } from '../index.js';

export function registerExtract(program: Command, state: CliState): void {
  program
    .command('extract')
    .description('extract plans, headings, targets and responsibilities from one file (no database)')
    .argument('<file>', 'a plan file: .txt, .html, .pdf, .doc or .docx (recognised by content)')
    .option('--format <fmt>', 'json (the gold FORMAT.md shape, with provenance) or summary', 'json')
    .option('--rules <dir>', 'extraction rules folder')
    .action(async (file: string, o: { format: string; rules?: string }) => {
      const { extractFile } = await import('../../index.js');
      const { toGoldJson } = await import('../../output.js');
      const { formatWarning } = await import('../../pipeline.js');
      const { loadRules } = await import('../../rules/index.js');
      const doc = await extractFile(file, loadRules(o.rules));
      const j = toGoldJson(doc);
      if (o.format === 'json') state.io.out(JSON.stringify(j, null, 1));
      else if (o.format === 'summary') {
        for (const p of j.plans) {
          state.io.out(`${p.title}  [${p.region ?? '?'} · ${p.subject ?? '?'} · ${p.period?.join('–') ?? '?'}]`);
          state.io.out(`  ${p.headings.length} headings, ${p.targets.length} targets, ${p.responsibilities.length} responsibilities`);
        }
        for (const w of doc.warnings) state.io.out(`  ${formatWarning(doc, w)}`);
      } else {
        state.io.err(`plandb: unknown --format '${o.format}' (expected json or summary)`);
        state.exitCode = 2;
      }
    });
}

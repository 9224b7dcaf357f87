import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { audit, type AuditResult } from '../shared/engine/audit';
import { loadConfigFile, findConfigFile } from '../shared/engine/config-file';
import type { FaultlineConfig } from '../shared/engine/config';
import { initEngine } from '../shared/engine/frontends';
import { SEVERITIES, type Severity } from '../shared/engine/rule';
import { groupPrograms, loadProgram, terraformModuleFiles } from '../shared/engine/workspace';
import { allRules, ruleById } from '../shared/rules';
import { rulePage } from '../shared/rules/docs';
import { toJson, toText, VERSION } from './format';
import { makeBaseline, newFindings, readBaseline } from './baseline';
import { diffOf, planFixes, writeFixes } from './fix';
import { toSarif } from '../shared/engine/sarif';
import { progressBar } from './progress';
import { inspectJson } from './inspect';

/** Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage/configuration/I-O errors. */
class UsageError extends Error {}

function severityArg(v: string): Severity {
  if (!(SEVERITIES as string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${SEVERITIES.join(', ')}`);
  return v as Severity;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, ...v.split(',').filter(Boolean)];
}

function loadConfig(explicit: string | undefined, paths: string[]): FaultlineConfig | undefined {
  const file = explicit ?? findConfigFile(paths[0] ?? '.');
  if (!file) return undefined;
  if (!fs.existsSync(file)) throw new UsageError(`configuration file ${file} does not exist`);
  const { config, errors } = loadConfigFile(file);
  if (errors.length) {
    const e = errors[0]!;
    throw new UsageError(
      `${path.relative(process.cwd(), file)}:${e.loc.range.start.line + 1}:${e.loc.range.start.character + 1}: ${e.message}`,
    );
  }
  return config;
}

const atLeast = (s: Severity, threshold: Severity): boolean => SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(threshold);

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('faultline')
    .description('Finds the failures in Pulumi and Terraform AWS programs before deploy does.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  interface AuditOpts {
    format: string;
    profile?: 'auto' | 'production' | 'ephemeral';
    failOn: Severity;
    config?: string;
    rule: string[];
    skipRule: string[];
    quiet?: boolean;
    output?: string;
    baseline?: string;
    fix?: boolean;
    fixDryRun?: boolean;
    jobs?: string;
    fileTimeout?: string;
    maxFileSize?: string;
    maxMemory?: string;
    progress?: boolean;
  }

  async function runAudit(paths: string[], o: AuditOpts): Promise<AuditResult> {
    for (const id of [...o.rule, ...o.skipRule]) if (!ruleById(id)) throw new UsageError(`unknown rule "${id}" (see faultline rules)`);
    for (const p of paths) if (!fs.existsSync(p)) throw new UsageError(`${p} does not exist`);
    const config = loadConfig(o.config, paths);
    const jobs = o.jobs === undefined ? undefined : Number(o.jobs);
    if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError('--jobs must be a positive integer');
    const fileTimeoutMs = o.fileTimeout === undefined ? undefined : Number(o.fileTimeout);
    if (fileTimeoutMs !== undefined && (!Number.isInteger(fileTimeoutMs) || fileTimeoutMs < 100))
      throw new UsageError('--file-timeout must be a whole number of milliseconds, at least 100');
    const maxMb = o.maxFileSize === undefined ? undefined : Number(o.maxFileSize);
    if (maxMb !== undefined && !(maxMb > 0)) throw new UsageError('--max-file-size must be a positive number of megabytes');
    const maxFileBytes = maxMb === undefined ? undefined : Math.round(maxMb * 1024 * 1024);
    const workerMemoryMb = o.maxMemory === undefined ? undefined : Number(o.maxMemory);
    if (workerMemoryMb !== undefined && (!Number.isInteger(workerMemoryMb) || workerMemoryMb < 32))
      throw new UsageError('--max-memory must be a whole number of megabytes, at least 32');
    const bar = progressBar(o.progress !== false);
    try {
      return await audit(paths, {
        config,
        profile: o.profile,
        only: o.rule,
        skip: o.skipRule,
        jobs,
        fileTimeoutMs,
        maxFileBytes,
        workerMemoryMb,
        onProgress: bar.update,
      });
    } finally {
      bar.done();
    }
  }

  const emit = (text: string, output?: string): void => {
    if (output) fs.writeFileSync(output, text);
    else process.stdout.write(text);
  };

  program
    .command('audit')
    .description('analyse IaC files and folders (default: the current folder)')
    .argument('[paths...]', 'files or folders', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .addOption(new Option('--profile <profile>', 'rule profile').choices(['auto', 'production', 'ephemeral']))
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity', severityArg, 'high' as Severity)
    .option('-c, --config <file>', 'faultline.json to use (default: the one in the first path or its parents)')
    .option('--rule <id>', 'run only this rule (repeatable)', collect, [] as string[])
    .option('--skip-rule <id>', 'do not run this rule (repeatable)', collect, [] as string[])
    .option('-q, --quiet', 'report only findings at or above --fail-on')
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--baseline <file>', 'report only findings that are not in this baseline (see faultline baseline)')
    .option('--fix', 'apply the safe fixes in place and report what changed')
    .option('--fix-dry-run', 'print the safe fixes as a unified diff without changing files')
    .option('-j, --jobs <n>', 'worker threads (default: all cores for large audits)')
    .option('--file-timeout <ms>', 'time budget per file: a file over it is reported as analysis-timeout (default: 10000)')
    .option('--max-file-size <MB>', 'skip (and list) files larger than this (default: 5)')
    .option('--max-memory <MB>', 'heap limit of each worker thread: a file over it is reported as analysis-timeout (default: 1024)')
    .option('--no-progress', 'no progress bar on a terminal')
    .action(async (paths: string[], o: AuditOpts) => {
      let result = await runAudit(paths, o);
      if (o.fix || o.fixDryRun) {
        const plan = planFixes(result);
        if (o.fixDryRun) {
          process.stdout.write(diffOf(plan));
          exitCode = plan.files.size ? 1 : 0;
          return;
        }
        writeFixes(plan);
        const fixed = [...plan.files.values()].reduce((n, f) => n + f.fixed.length, 0);
        for (const [file, { fixed: fs2 }] of plan.files)
          process.stderr.write(
            `fixed ${fs2.length} in ${path.relative(process.cwd(), file)}: ${[...new Set(fs2.map((f) => f.ruleId))].join(', ')}\n`,
          );
        process.stderr.write(
          `faultline: applied ${fixed} fix${fixed === 1 ? '' : 'es'} in ${plan.files.size} file${plan.files.size === 1 ? '' : 's'}\n`,
        );
        result = await runAudit(paths, o);
      }
      if (o.baseline) {
        const b = readBaseline(o.baseline);
        result.findings = newFindings(result, b, path.dirname(path.resolve(o.baseline)));
      }
      if (o.quiet) result.findings = result.findings.filter((f) => atLeast(f.severity, o.failOn));
      if (o.format === 'json') emit(JSON.stringify(toJson(result), null, 2) + '\n', o.output);
      else if (o.format === 'sarif') emit(JSON.stringify(toSarif(result), null, 2) + '\n', o.output);
      else emit(toText(result, !o.output && !!process.stdout.isTTY && !process.env.NO_COLOR), o.output);
      exitCode = result.findings.some((f) => atLeast(f.severity, o.failOn)) ? 1 : 0;
    });

  program
    .command('baseline')
    .description("write today's findings to a baseline file; audit --baseline then reports only new ones")
    .argument('[paths...]', 'files or folders', ['.'])
    .requiredOption('-o, --output <file>', 'the baseline file to write')
    .addOption(new Option('--profile <profile>', 'rule profile').choices(['auto', 'production', 'ephemeral']))
    .option('-c, --config <file>', 'faultline.json to use')
    .action(async (paths: string[], o: AuditOpts & { output: string }) => {
      const result = await runAudit(paths, { ...o, rule: [], skipRule: [], failOn: 'low', format: 'json' });
      fs.writeFileSync(o.output, JSON.stringify(makeBaseline(result, path.dirname(path.resolve(o.output))), null, 2) + '\n');
      process.stderr.write(`faultline: wrote ${result.findings.length} findings to ${o.output}\n`);
    });

  program
    .command('inspect')
    .description('print the canonical model of a file as JSON')
    .argument('<file>')
    .action(async (file: string) => {
      if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`);
      await initEngine();
      const unit = groupPrograms([path.resolve(file)])[0];
      if (!unit) throw new UsageError(`${file} is not a Terraform, TypeScript, JavaScript or Python file`);
      // A Terraform file is read with its module: what it references is declared in the other files of its folder.
      if (unit.kind === 'terraform-module') unit.files = [...new Set([path.resolve(file), ...terraformModuleFiles(unit.root)])];
      process.stdout.write(JSON.stringify(inspectJson(loadProgram(unit), file), null, 2) + '\n');
    });

  program
    .command('rules')
    .description('list the rules')
    .option('--json', 'as JSON')
    .action((o: { json?: boolean }) => {
      if (o.json) {
        process.stdout.write(
          JSON.stringify(
            allRules.map((r) => r.meta),
            null,
            2,
          ) + '\n',
        );
        return;
      }
      const w = Math.max(...allRules.map((r) => r.meta.id.length));
      for (const r of allRules)
        process.stdout.write(`${r.meta.id.padEnd(w)}  ${r.meta.severity.padEnd(8)}  ${r.meta.category.padEnd(13)}  ${r.meta.title}\n`);
    });

  program
    .command('explain')
    .description("print a rule's page")
    .argument('<rule-id>')
    .action((id: string) => {
      const rule = ruleById(id);
      if (!rule) throw new UsageError(`unknown rule "${id}" (see faultline rules)`);
      process.stdout.write(rulePage(rule.meta) + '\n');
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    if (err.code?.startsWith('commander.')) return 2;
    process.stderr.write(`faultline: ${err.message ?? String(e)}\n`);
    if (process.env.FAULTLINE_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 2;
  }
  return exitCode;
}

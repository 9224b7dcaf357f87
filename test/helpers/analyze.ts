import * as path from 'node:path';
import { buildTerraformProgram } from '../../shared/frontends/terraform/module';
import { buildPulumiProgram } from '../../shared/frontends/pulumi/project';
import { analyzeProgram, type AnalyzeOptions } from '../../shared/engine/analyze';
import { applyEdits, renderFix } from '../../shared/engine/fixes';
import { initEngine, parseSource } from '../../shared/engine/frontends';
import type { Finding } from '../../shared/engine/rule';
import type { Program } from '../../shared/model/program';
import type { FileModel } from '../../shared/model/types';
import { readFromDisk, readPulumiProjectFiles } from '../../shared/engine/workspace';

export { initEngine };

/**
 * One source text as its own program (fixtures are analysed file by file, not as a module). The provider version
 * comes from the files beside it, as in a project: package.json, requirements.txt, .terraform.lock.hcl.
 */
export function programOf(file: string, text: string): Program {
  const model = parseSource(file, text);
  const dir = path.dirname(file);
  if (model.language === 'terraform') {
    return buildTerraformProgram(dir, [model], () => {
      const lock = readFromDisk(path.join(dir, '.terraform.lock.hcl'));
      return lock === undefined ? undefined : parseSource(path.join(dir, '.terraform.lock.hcl'), lock, 'terraform');
    });
  }
  const files = readPulumiProjectFiles(dir);
  const project = testHeader(text, 'project');
  const stacks = testHeader(text, 'stacks') ?? {};
  return buildPulumiProgram(
    dir,
    [model],
    {
      ...files,
      ...(project ? { projectYaml: JSON.stringify(project) } : {}),
      stacks: Object.fromEntries(Object.entries(stacks).map(([name, config]) => [name, JSON.stringify({ config })])),
    },
    'file',
  );
}

/**
 * A Pulumi fixture's project files, written in a comment as JSON (which is YAML): `faultline-test-project: {"name":
 * "webshop", "config": {...}}` is its Pulumi.yaml, `faultline-test-stacks: {"dev": {"multiAz": "false"}}` the `config:`
 * of each Pulumi.<stack>.yaml. Without them a fixture has no stack files.
 */
function testHeader(text: string, kind: 'project' | 'stacks'): Record<string, unknown> | undefined {
  const m = new RegExp(`faultline-test-${kind}:\\s*(\\{.*\\})\\s*$`, 'm').exec(text);
  return m ? (JSON.parse(m[1]!) as Record<string, unknown>) : undefined;
}

export function analyzeText(file: string, text: string, opts: AnalyzeOptions = {}): { program: Program; findings: Finding[] } {
  const program = programOf(file, text);
  return { program, findings: analyzeProgram(program, { today: '2026-11-23', ...opts }) };
}

/** `line:col severity rule message` lines: what the user sees, for snapshots. */
export function formatFindings(findings: Finding[]): string {
  return findings
    .map(
      (f) =>
        `${f.loc.range.start.line + 1}:${f.loc.range.start.character + 1}-${f.loc.range.end.line + 1}:${f.loc.range.end.character + 1} ${f.severity} ${f.ruleId}: ${f.message}${f.fixes?.length ? `\n    fixes: ${f.fixes.map((x) => `${x.title}${x.safe ? ' (safe)' : ''}`).join(' | ')}` : ''}`,
    )
    .join('\n');
}

/** Applies a finding's fix to the text it came from; undefined when the frontend cannot render it. */
export function applyFix(program: Program, finding: Finding, fixIndex: number): string | undefined {
  const fix = finding.fixes?.[fixIndex];
  if (!fix) return undefined;
  const files = new Map<string, FileModel>(program.files.map((f) => [f.path, f]));
  const edits = renderFix(fix, (p) => files.get(p));
  if (!edits) return undefined;
  const file = files.get(finding.loc.file)!;
  return applyEdits(
    file.text,
    edits.filter((e) => e.file === file.path),
  ).text;
}

import * as path from 'node:path';
import { parse } from 'yaml';

/**
 * YAML of the workspace, parsed defensively: the duplicate-key check of the yaml package is quadratic in the keys of
 * a map (20,000 config keys took 5 s), and alias expansion is capped (billion laughs).
 */
const parseYaml = (text: string): unknown => parse(text, { uniqueKeys: false, maxAliasCount: 100 });
import { lazy, type Program } from '../../model/program';
import type { FileModel, Language, Reference, Value } from '../../model/types';
import { awsConstraint, type DependencyFiles } from './dependencies';

/** What a Pulumi project folder holds besides sources: Pulumi.yaml and Pulumi.<stack>.yaml texts. */
export interface PulumiProjectFiles {
  /** Text of Pulumi.yaml, if any. */
  projectYaml?: string;
  /** Stack name -> text of Pulumi.<stack>.yaml. */
  stacks: Record<string, string>;
  /** package.json, package-lock.json, requirements.txt, pyproject.toml (read when asked: only schema rules need them). */
  dependencies?: () => DependencyFiles;
}

/** Reads `name:` from Pulumi.yaml and `config:` from each stack file; a file that does not parse is ignored. */
export function readProjectFiles(files: PulumiProjectFiles): {
  projectName?: string;
  stackConfig: Record<string, Record<string, unknown>>;
} {
  let projectName: string | undefined;
  try {
    const doc = files.projectYaml ? (parseYaml(files.projectYaml) as { name?: unknown } | null) : null;
    if (typeof doc?.name === 'string') projectName = doc.name;
  } catch {
    // a broken Pulumi.yaml leaves the project unnamed
  }
  const stackConfig: Record<string, Record<string, unknown>> = {};
  for (const [stack, text] of Object.entries(files.stacks)) {
    const config: Record<string, unknown> = {};
    try {
      const doc = parseYaml(text) as { config?: Record<string, unknown> } | null;
      for (const [k, v] of Object.entries(doc?.config ?? {})) {
        // `project:key` and plain `key` name the same project key; other namespaces (aws:region) keep theirs.
        const key = projectName && k.startsWith(`${projectName}:`) ? k.slice(projectName.length + 1) : k;
        config[key] = v;
      }
    } catch {
      // a broken stack file contributes no config
    }
    stackConfig[stack] = config;
  }
  return { projectName, stackConfig };
}

const ORIGIN: Partial<Record<Reference['kind'], string>> = {
  stack: 'the stack name is chosen when the stack is created',
  project: 'the project name comes from Pulumi.yaml',
  env: 'environment variables are read when the program runs',
  arg: 'it is an argument passed in by the caller',
  resource: 'resource outputs are known only after deployment',
  data: 'data lookups happen at deployment',
  account: 'the account and region come from the credentials in use',
  random: 'random values are generated at deployment',
  call: 'function results are not evaluated',
  path: 'the folder of the source file is known when the program runs',
};

/** A program for a Pulumi project (or a lone Pulumi file): config values come from the stack files. */
export function buildPulumiProgram(
  root: string,
  files: FileModel[],
  project: PulumiProjectFiles | undefined,
  kind: Program['kind'] = 'pulumi-project',
): Program {
  const { projectName, stackConfig } = project ? readProjectFiles(project) : { projectName: undefined, stackConfig: {} };
  const stackNames = Object.keys(stackConfig);
  const language: Language = files.find((f) => f.language !== 'terraform')?.language ?? 'typescript';
  const configValue = (key: string): { value?: unknown; why: string } => {
    if (stackNames.length === 0) return { why: `config "${key}" is set per stack and no Pulumi.<stack>.yaml was found` };
    const set = stackNames.filter((s) => key in stackConfig[s]!);
    if (set.length === 0) return { why: `config "${key}" is not set in ${stackNames.map((s) => `Pulumi.${s}.yaml`).join(', ')}` };
    const values = new Set(set.map((s) => JSON.stringify(stackConfig[s]![key])));
    if (set.length !== stackNames.length || values.size > 1)
      return { why: `config "${key}" differs between stacks (${stackNames.join(', ')})` };
    return { value: stackConfig[set[0]!]![key], why: '' };
  };
  return {
    kind,
    root,
    language,
    files,
    resources: files.flatMap((f) => f.resources),
    stackNames,
    projectName,
    stackConfig,
    awsProvider: lazy(() => (project?.dependencies ? awsConstraint(project.dependencies(), language) : undefined)),
    resolve(ref: Reference): Value | undefined {
      if (ref.kind !== 'config') return undefined;
      const { value } = configValue(ref.name);
      return value === undefined ? undefined : literal(value, root);
    },
    explainUnknown(ref: Reference): string {
      if (ref.kind === 'config') return configValue(ref.name).why || `config "${ref.name}" has no single value`;
      const origin = ORIGIN[ref.kind];
      return origin ? `${ref.text} is not known before deployment: ${origin}` : `${ref.text} is not evaluated`;
    },
  };
}

/** A config value from YAML as a model value (its location is the stack file, which has no spans here). */
function literal(v: unknown, root: string): Value | undefined {
  const loc = {
    file: path.join(root, 'Pulumi.yaml'),
    start: 0,
    end: 0,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
  if (typeof v === 'string') return { kind: 'string', value: v, loc };
  if (typeof v === 'number') return { kind: 'number', value: v, loc };
  if (typeof v === 'boolean') return { kind: 'bool', value: v, loc };
  // secure values and structured config stay unknown
  return undefined;
}

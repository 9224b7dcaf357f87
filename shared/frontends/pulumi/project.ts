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

/**
 * Reads `name:` and the project-level `config:` of Pulumi.yaml and `config:` from each stack file; a file that does
 * not parse is ignored. Keys lose the project's prefix (`webshop:multiAz` and `multiAz` are one key); other namespaces
 * keep theirs (`aws:region`).
 */
export function readProjectFiles(files: PulumiProjectFiles): {
  projectName?: string;
  /** What Pulumi.yaml gives a stack that does not set the key: a `default` (or `value`), or the short form `key: v`. */
  projectConfig: Record<string, unknown>;
  stackConfig: Record<string, Record<string, unknown>>;
} {
  let projectName: string | undefined;
  const projectConfig: Record<string, unknown> = {};
  const keyOf = (k: string): string => (projectName && k.startsWith(`${projectName}:`) ? k.slice(projectName.length + 1) : k);
  try {
    const doc = files.projectYaml ? (parseYaml(files.projectYaml) as { name?: unknown; config?: unknown } | null) : null;
    if (typeof doc?.name === 'string') projectName = doc.name;
    // `config: <dir>` is the old spelling of stackConfigDir, not config.
    const config = doc?.config;
    if (typeof config === 'object' && config !== null && !Array.isArray(config)) {
      for (const [k, v] of Object.entries(config)) {
        const value = projectDefault(v);
        if (value !== undefined) projectConfig[keyOf(k)] = value;
      }
    }
  } catch {
    // a broken Pulumi.yaml leaves the project unnamed
  }
  const stackConfig: Record<string, Record<string, unknown>> = {};
  for (const [stack, text] of Object.entries(files.stacks)) {
    const config: Record<string, unknown> = {};
    try {
      const doc = parseYaml(text) as { config?: Record<string, unknown> } | null;
      for (const [k, v] of Object.entries(doc?.config ?? {})) config[keyOf(k)] = v;
    } catch {
      // a broken stack file contributes no config
    }
    stackConfig[stack] = config;
  }
  return { projectName, projectConfig, stackConfig };
}

/**
 * The value a Pulumi.yaml `config:` entry gives the stacks that do not set the key. Pulumi reads a scalar or a list as
 * the short form (a default for a project key, a value for another namespace's: `aws:region: us-west-2`); a map
 * declares the key (`type`, `description`, `secret`) with an optional `default` (project keys) or `value` (others).
 */
function projectDefault(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) return v;
  const decl = v as { default?: unknown; value?: unknown };
  return decl.default ?? decl.value ?? undefined;
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

/**
 * A program for a Pulumi project (or a lone Pulumi file): config values come from the stack files, and for a stack
 * that does not set a key, from the project-level `config:` of Pulumi.yaml.
 */
export function buildPulumiProgram(
  root: string,
  files: FileModel[],
  project: PulumiProjectFiles | undefined,
  kind: Program['kind'] = 'pulumi-project',
): Program {
  const { projectName, projectConfig, stackConfig } = project
    ? readProjectFiles(project)
    : { projectName: undefined, projectConfig: {}, stackConfig: {} };
  const stackNames = Object.keys(stackConfig);
  const language: Language = files.find((f) => f.language !== 'terraform')?.language ?? 'typescript';
  // What each stack deploys with: its own value, else the project's default from Pulumi.yaml.
  const effective: Record<string, Record<string, unknown>> = {};
  for (const s of stackNames) effective[s] = { ...projectConfig, ...stackConfig[s] };
  const configValue = (name: string): ConfigValue => {
    const key = projectName && name.startsWith(`${projectName}:`) ? name.slice(projectName.length + 1) : name;
    const hasDefault = Object.hasOwn(projectConfig, key);
    if (stackNames.length === 0) {
      if (hasDefault) return { set: true, value: projectConfig[key], why: '' };
      return { set: false, why: `config "${key}" is set per stack and no Pulumi.<stack>.yaml was found` };
    }
    const files = (names: string[]): string => names.map((s) => `Pulumi.${s}.yaml`).join(', ');
    const setIn = stackNames.filter((s) => Object.hasOwn(stackConfig[s]!, key));
    // Nothing sets it: the program's own default (`?? x`, `|| x`, `or x`, `get(k, x)`) is what deploys.
    if (setIn.length === 0 && !hasDefault) return { set: false, why: `config "${key}" is not set in ${files(stackNames)}` };
    const unset = stackNames.filter((s) => !Object.hasOwn(effective[s]!, key));
    if (unset.length) return { set: true, why: `config "${key}" is set in ${files(setIn)} but not in ${files(unset)}` };
    const shown = (s: string): string => {
      const v = effective[s]![key];
      const from = Object.hasOwn(stackConfig[s]!, key) ? '' : ' from Pulumi.yaml';
      return `${s}: ${typeof v === 'object' && v !== null ? 'a structured or secret value' : JSON.stringify(v)}${from}`;
    };
    const values = new Set(stackNames.map((s) => sameness(effective[s]![key])));
    if (values.size > 1) return { set: true, why: `config "${key}" differs between stacks (${stackNames.map(shown).join(', ')})` };
    return { set: true, value: effective[stackNames[0]!]![key], why: '' };
  };
  return {
    kind,
    root,
    language,
    files,
    resources: files.flatMap((f) => f.resources),
    stackNames,
    projectName,
    stackConfig: effective,
    awsProvider: lazy(() => (project?.dependencies ? awsConstraint(project.dependencies(), language) : undefined)),
    resolve(ref: Reference): Value | undefined {
      if (ref.kind !== 'config') return undefined;
      const c = configValue(ref.name);
      // Set by no stack and no project default: nothing to resolve, the read's own fallback (if any) applies.
      if (!c.set) return undefined;
      // Set somewhere: the fallback is not what deploys there. One value everywhere, or unknown with the reason.
      const why = c.why || `config "${ref.name}" is a secret or structured value`;
      return (c.value !== undefined ? literal(c.value, root) : undefined) ?? unknownConfig(why, ref, root);
    },
    explainUnknown(ref: Reference): string {
      if (ref.kind === 'config') return configValue(ref.name).why || `config "${ref.name}" has no single value`;
      const origin = ORIGIN[ref.kind];
      return origin ? `${ref.text} is not known before deployment: ${origin}` : `${ref.text} is not evaluated`;
    },
  };
}

/** How a config key resolves across the stacks: `set` when a stack file or Pulumi.yaml gives it a value. */
interface ConfigValue {
  set: boolean;
  value?: unknown;
  why: string;
}

/** Config values compared as Pulumi passes them to the program: as text ("true" and true are one value). */
function sameness(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** Where values from the project's YAML files point (they have no spans in the model). */
function yamlLoc(root: string): Value['loc'] {
  return {
    file: path.join(root, 'Pulumi.yaml'),
    start: 0,
    end: 0,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
}

/** A config read that the stacks set without one value for all of them. */
function unknownConfig(reason: string, ref: Reference, root: string): Value {
  return { kind: 'unknown', reason, text: ref.text, loc: yamlLoc(root) };
}

/** A config value from YAML as a model value (its location is the stack file, which has no spans here). */
function literal(v: unknown, root: string): Value | undefined {
  const loc = yamlLoc(root);
  if (typeof v === 'string') return { kind: 'string', value: v, loc };
  if (typeof v === 'number') return { kind: 'number', value: v, loc };
  if (typeof v === 'boolean') return { kind: 'bool', value: v, loc };
  // secure values and structured config stay unknown
  return undefined;
}

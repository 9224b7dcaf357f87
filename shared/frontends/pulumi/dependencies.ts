import { parse as parseToml } from 'smol-toml';
import type { ProviderConstraint } from '../../model/program';
import type { Language } from '../../model/types';

/** The dependency files of a Pulumi project folder (texts), where the AWS provider's version is pinned. */
export interface DependencyFiles {
  packageJson?: string;
  packageLock?: string;
  requirements?: string;
  pyproject?: string;
}

/**
 * The version of @pulumi/aws (Node.js) or pulumi-aws (Python) the project pins: the lockfile's installed version
 * first, then the declared range. Files that do not parse pin nothing.
 */
export function awsConstraint(files: DependencyFiles, language: Language): ProviderConstraint | undefined {
  return language === 'python' ? pythonConstraint(files) : npmConstraint(files);
}

/** The @pulumi/aws version of the last lockfile read: lockfiles run to megabytes and the editor asks on every edit. */
let lastLock: { text: string; version: unknown } | undefined;

function lockedVersion(text: string | undefined): unknown {
  if (!text) return undefined;
  if (lastLock?.text !== text) {
    const lock = json(text) as {
      packages?: Record<string, { version?: unknown }>;
      dependencies?: Record<string, { version?: unknown }>;
    };
    lastLock = { text, version: lock?.packages?.['node_modules/@pulumi/aws']?.version ?? lock?.dependencies?.['@pulumi/aws']?.version };
  }
  return lastLock.version;
}

function npmConstraint(files: DependencyFiles): ProviderConstraint | undefined {
  const locked = lockedVersion(files.packageLock);
  if (typeof locked === 'string') return { version: locked, syntax: 'npm', source: 'package-lock.json' };
  const pkg = json(files.packageJson) as Record<string, Record<string, unknown> | undefined> | undefined;
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    const v = pkg?.[field]?.['@pulumi/aws'];
    if (typeof v === 'string') return { version: v, syntax: 'npm', source: 'package.json' };
  }
  return undefined;
}

function pythonConstraint(files: DependencyFiles): ProviderConstraint | undefined {
  for (const line of (files.requirements ?? '').split('\n')) {
    const spec = requirement(line.split('#')[0]!.trim());
    if (spec !== undefined) return spec ? { version: spec, syntax: 'pep440', source: 'requirements.txt' } : undefined;
  }
  let doc: Record<string, unknown>;
  try {
    doc = files.pyproject ? parseToml(files.pyproject) : {};
  } catch {
    return undefined;
  }
  const project = doc['project'] as { dependencies?: unknown } | undefined;
  for (const dep of Array.isArray(project?.dependencies) ? project.dependencies : []) {
    const spec = typeof dep === 'string' ? requirement(dep) : undefined;
    if (spec !== undefined) return spec ? { version: spec, syntax: 'pep440', source: 'pyproject.toml' } : undefined;
  }
  const tool = doc['tool'] as { poetry?: { dependencies?: Record<string, unknown> } } | undefined;
  const poetry = tool?.poetry?.dependencies;
  const v = poetry?.['pulumi-aws'] ?? poetry?.['pulumi_aws'];
  const version = typeof v === 'string' ? v : (v as { version?: unknown } | undefined)?.version;
  if (typeof version !== 'string' || version.trim() === '*') return undefined;
  // Poetry's caret and tilde ranges mean what npm's do; the rest is PEP 440.
  const npmLike = /^\s*(\^|~(?!=))/.test(version);
  return { version, syntax: npmLike ? 'npm' : 'pep440', source: 'pyproject.toml' };
}

/**
 * The version specifier of a `pulumi-aws` requirement (`pulumi-aws>=6.0.0,<7.0.0; python_version>"3.8"`): '' when it
 * has none, undefined when the line requires something else.
 */
function requirement(line: string): string | undefined {
  if (!line || line.startsWith('-')) return undefined;
  let end = 0;
  while (end < line.length && /[A-Za-z0-9._-]/.test(line[end]!)) end++;
  // PEP 503 normalisation: case and runs of -_. do not matter.
  const name = line
    .slice(0, end)
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
  if (name !== 'pulumi-aws') return undefined;
  let rest = line.slice(end).split(';')[0]!.trim();
  if (rest.startsWith('[')) rest = rest.slice(rest.indexOf(']') + 1).trim();
  if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1).trim();
  return rest;
}

function json(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

import { intersects, validRange } from 'semver';
import type { ProviderConstraint } from '../model/program';

/**
 * Which majors of the AWS provider a program deploys with, in the schema's numbering: @pulumi/aws majors.
 * Terraform's hashicorp/aws N is bridged by @pulumi/aws N+1 (provider 6.x is Pulumi 7.x), so a Terraform constraint
 * is shifted by one before it is compared.
 */
export interface ProviderUse {
  /** The schema majors the program may use: one when pinned, all known ones when nothing pins the provider. */
  majors: number[];
  pinned: boolean;
  /** How the provider and a major are named in this program's ecosystem: `hashicorp/aws 6.x`, `@pulumi/aws 7.x`. */
  name(major: number): string;
  /** Where the pin comes from, for messages: `~> 5.0 in versions.tf`. */
  source?: string;
}

const TERRAFORM_OFFSET = 1;

export function providerUse(c: ProviderConstraint | undefined, known: number[], ecosystem: 'terraform' | 'npm' | 'python'): ProviderUse {
  const offset = ecosystem === 'terraform' ? TERRAFORM_OFFSET : 0;
  const pkg = ecosystem === 'terraform' ? 'hashicorp/aws' : ecosystem === 'npm' ? '@pulumi/aws' : 'pulumi-aws';
  const name = (major: number): string => `${pkg} ${major - offset}.x`;
  const range = c && toSemverRange(c);
  if (!c || !range) return { majors: known, pinned: false, name };
  // The newest allowed major is the one an install picks; a range entirely outside the knowledge leaves none.
  const allowed = known.filter((m) => intersects(range, `>=${m - offset}.0.0 <${m - offset + 1}.0.0`));
  const newest = allowed.length ? [Math.max(...allowed)] : [];
  return { majors: newest, pinned: true, name, source: `${c.version} in ${c.source}` };
}

/** The constraint as a node-semver range, or undefined when it cannot be read (`latest`, a git URL, a typo). */
function toSemverRange(c: ProviderConstraint): string | undefined {
  const v = c.version.trim();
  let range: string | undefined;
  if (c.syntax === 'npm') range = v;
  else {
    const parts: string[] = [];
    for (const raw of v.split(',')) {
      const part = raw.trim();
      if (!part) continue;
      const p = c.syntax === 'terraform' ? terraformPart(part) : pep440Part(part);
      if (p === undefined) return undefined;
      if (p) parts.push(p);
    }
    range = parts.join(' ');
  }
  try {
    return validRange(range) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Splits `~> 5.0` into operator and numeric components; undefined for anything else. */
function split(part: string, ops: string[]): { op: string; nums: number[]; wildcard: boolean } | undefined {
  const op = ops.find((o) => part.startsWith(o)) ?? '';
  let rest = part.slice(op.length).trim();
  if (rest.startsWith('v')) rest = rest.slice(1);
  const wildcard = rest.endsWith('.*');
  if (wildcard) rest = rest.slice(0, -2);
  // Pre-release and local suffixes (5.0.0-beta1, 6.0.0+local) do not change the major.
  const core = rest.split(/[-+a-z]/i)[0]!;
  const nums = core.split('.').map(Number);
  if (!core || nums.length > 4 || nums.some((n) => !Number.isInteger(n) || n < 0)) return undefined;
  return { op, nums, wildcard };
}

const pad = (nums: number[]): string => [...nums, 0, 0].slice(0, 3).join('.');

/** `~> a.b` allows a.x from a.b; `~> a.b.c` allows a.b.x from a.b.c. */
function pessimistic(nums: number[]): string {
  const upper = nums.length <= 2 ? `${nums[0]! + 1}.0.0` : `${nums[0]}.${nums[1]! + 1}.0`;
  return `>=${pad(nums)} <${upper}`;
}

function terraformPart(part: string): string | undefined {
  const s = split(part, ['~>', '>=', '<=', '!=', '>', '<', '=']);
  if (!s) return undefined;
  if (s.op === '!=') return '';
  if (s.op === '~>') return pessimistic(s.nums);
  if (s.op === '' || s.op === '=') return s.nums.length < 3 ? `${s.nums.join('.')}.x` : `=${pad(s.nums)}`;
  return `${s.op}${pad(s.nums)}`;
}

function pep440Part(part: string): string | undefined {
  const s = split(part, ['===', '~=', '==', '!=', '>=', '<=', '>', '<']);
  if (!s || s.op === '') return undefined;
  if (s.op === '!=') return '';
  if (s.op === '~=') return s.nums.length < 2 ? undefined : pessimistic(s.nums);
  if (s.op === '==' || s.op === '===') return s.wildcard || s.nums.length < 3 ? `${s.nums.join('.')}.x` : `=${pad(s.nums)}`;
  return `${s.op}${pad(s.nums)}`;
}

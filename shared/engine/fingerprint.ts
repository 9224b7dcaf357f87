import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Finding } from './rule';

/**
 * Stable identities for findings, for baselines and SARIF `partialFingerprints`. They use what a finding is about
 * (rule, file, resource, message, the code it points at without whitespace), never line numbers, so they survive
 * lines moving and reformatting. Equal keys in one file get an occurrence number.
 */
export function fingerprints(
  findings: Pick<Finding, 'ruleId' | 'loc' | 'resource' | 'message'>[],
  root: string,
  textOf: (file: string) => string | undefined,
): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const file = path.relative(root, f.loc.file).split(path.sep).join('/');
    const code = (textOf(f.loc.file) ?? '').slice(f.loc.start, Math.min(f.loc.end, f.loc.start + 500)).replace(/\s+/g, '');
    const what = f.resource ? `${f.resource.type}.${f.resource.name}|${f.message}` : `${f.message}|${code}`;
    const key = `${f.ruleId}|${file}|${what}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}|${n}`).digest('hex').slice(0, 32);
  });
}

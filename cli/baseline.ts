import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AuditResult, ReportedFinding } from '../shared/engine/audit';
import { fingerprints } from '../shared/engine/fingerprint';

/** The baseline file: today's findings by fingerprint, so later audits report only new ones. */
export interface Baseline {
  tool: 'faultline';
  version: 1;
  created: string;
  findings: { fingerprint: string; ruleId: string; file: string; message: string }[];
}

export function makeBaseline(result: AuditResult, root: string): Baseline {
  const fps = fingerprints(result.findings, root, (f) => result.texts.get(f));
  return {
    tool: 'faultline',
    version: 1,
    created: new Date().toISOString(),
    findings: result.findings.map((f, i) => ({
      fingerprint: fps[i]!,
      ruleId: f.ruleId,
      file: path.relative(root, f.loc.file).split(path.sep).join('/'),
      message: f.message,
    })),
  };
}

export function readBaseline(file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read baseline ${file}: ${(e as Error).message}`, { cause: e });
  }
  const b = data as Baseline;
  if (b?.tool !== 'faultline' || !Array.isArray(b.findings))
    throw new Error(`${file} is not a Faultline baseline (write one with faultline baseline)`);
  return b;
}

/** Findings not in the baseline. Fingerprints are relative to the baseline's folder so it can be committed. */
export function newFindings(result: AuditResult, baseline: Baseline, root: string): ReportedFinding[] {
  const known = new Set(baseline.findings.map((f) => f.fingerprint));
  const fps = fingerprints(result.findings, root, (f) => result.texts.get(f));
  return result.findings.filter((_, i) => !known.has(fps[i]!));
}

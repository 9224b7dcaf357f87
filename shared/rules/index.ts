import type { Rule } from '../engine/rule';
import analysisTimeout from './analyser/analysis-timeout';
import configInvalid from './analyser/config-invalid';
import internalError from './analyser/internal-error';
import parseError from './analyser/parse-error';
import suppressionUnused from './analyser/suppression-unused';
import hardcodedUniqueName from './naming/hardcoded-unique-name';
import logRetentionMissing from './operations/log-retention-missing';
import pulumiOutputInString from './pulumi/pulumi-output-in-string';
import rdsMultiAzDisabled from './reliability/rds-multi-az-disabled';
import hardcodedSecret from './security/hardcoded-secret';
import sgIngressOpenToWorld from './security/sg-ingress-open-to-world';

/** Every rule, in catalogue order. */
export const allRules: Rule[] = [
  hardcodedUniqueName,
  sgIngressOpenToWorld,
  hardcodedSecret,
  rdsMultiAzDisabled,
  logRetentionMissing,
  pulumiOutputInString,
  parseError,
  suppressionUnused,
  configInvalid,
  internalError,
  analysisTimeout,
];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}

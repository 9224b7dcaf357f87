import type { ProfileSetting } from './profile';
import type { RuleSettings, Severity } from './rule';

/** faultline.json (schema: schemas/faultline.schema.json). */
export interface FaultlineConfig {
  profile?: ProfileSetting;
  /** Per-rule severity or "off". */
  rules?: Record<string, Severity | 'off'>;
  requiredTags?: string[];
  naming?: { convention?: string };
  minLogRetentionDays?: number;
  minBackupRetentionDays?: number;
  defaultLogRetentionDays?: number;
  /** gitignore-style patterns of paths not to analyse. */
  ignore?: string[];
}

export function ruleSettings(config: FaultlineConfig | undefined): RuleSettings {
  return {
    requiredTags: config?.requiredTags ?? [],
    minLogRetentionDays: config?.minLogRetentionDays ?? 1,
    minBackupRetentionDays: config?.minBackupRetentionDays ?? 7,
    defaultLogRetentionDays: config?.defaultLogRetentionDays ?? 30,
    namingConvention: config?.naming?.convention,
  };
}

import * as path from 'node:path';
import type { Program } from '../model/program';
import type { Profile } from './rule';

export type ProfileSetting = Profile | 'auto';

const PRODUCTION = /^(prod|production|prd|live)$/;
const EPHEMERAL = /^(dev|develop|development|test|testing|ci|ephemeral|sandbox|preview|pr|pr-\d+|pr\d+|review|feature-.*|local)$/;

/** Words of a name: `envs/pr-123` -> envs, pr-123; `tap-stack-dev` -> tap, stack, dev. */
function words(name: string): string[] {
  const lower = name.toLowerCase();
  const parts = lower.split(/[^a-z0-9-]+/).filter(Boolean);
  return [...parts, ...parts.flatMap((p) => p.split('-'))];
}

/**
 * The profile for a program. `auto` looks at stack names, tfvars and folder names: production words win
 * (a project with dev and prod stacks must survive prod); only ephemeral words mean ephemeral; nothing means production.
 */
export function resolveProfile(program: Program, setting: ProfileSetting = 'auto'): { name: Profile; reason: string } {
  if (setting !== 'auto') return { name: setting, reason: `profile "${setting}" was set explicitly` };
  // Stack names and tfvars speak first; folder names only when they say nothing.
  for (const names of [program.stackNames, path.resolve(program.root).split(path.sep).slice(-3)]) {
    const prod = names.find((n) => words(n).some((w) => PRODUCTION.test(w)));
    if (prod) return { name: 'production', reason: `auto: "${prod}" names a production environment` };
    const eph = names.find((n) => words(n).some((w) => EPHEMERAL.test(w)));
    if (eph) return { name: 'ephemeral', reason: `auto: "${eph}" names a short-lived environment` };
  }
  return { name: 'production', reason: 'auto: no environment name was found, so production applies' };
}

import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../shared/engine/profile';
import type { Program } from '../../shared/model/program';

const prog = (root: string, stackNames: string[] = []): Program => ({
  kind: 'pulumi-project',
  root,
  language: 'typescript',
  files: [],
  resources: [],
  stackNames,
  stackConfig: {},
  awsProvider: () => undefined,
  resolve: () => undefined,
  explainUnknown: () => '',
});

describe('profile inference', () => {
  it('uses an explicit profile', () => {
    expect(resolveProfile(prog('/ws/dev'), 'production')).toEqual({
      name: 'production',
      reason: 'profile "production" was set explicitly',
    });
  });
  it('infers production from stack and folder names; production wins over dev', () => {
    expect(resolveProfile(prog('/ws/app', ['dev', 'prod'])).name).toBe('production');
    expect(resolveProfile(prog('/ws/envs/production')).name).toBe('production');
    expect(resolveProfile(prog('/ws/live/network')).name).toBe('production');
  });
  it('infers ephemeral from dev, test, ci and pr-* names', () => {
    expect(resolveProfile(prog('/ws/app', ['dev'])).name).toBe('ephemeral');
    expect(resolveProfile(prog('/ws/app', ['pr-1234'])).name).toBe('ephemeral');
    expect(resolveProfile(prog('/ws/envs/ci')).name).toBe('ephemeral');
    expect(resolveProfile(prog('/ws/app', ['tap-stack-test'])).reason).toContain('tap-stack-test');
  });
  it('defaults to production', () => {
    expect(resolveProfile(prog('/ws/app')).reason).toBe('auto: no environment name was found, so production applies');
  });
});

import { describe, expect, it } from 'vitest';
import { evaluate } from '../../shared/model/evaluate';
import type { Value } from '../../shared/model/types';

const loc = { file: '/x.tf', start: 0, end: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
const str = (value: string): Value => ({ kind: 'string', value, loc });
const num = (value: number): Value => ({ kind: 'number', value, loc });
const call = (name: string, ...args: Value[]): Value => ({ kind: 'call', name, args, loc });

describe('evaluate: pure functions', () => {
  it('folds format, lower, join, merge, lookup and cidrsubnet', () => {
    expect(evaluate(call('format', str('%s-%s'), str('app'), str('prod')))).toEqual({ state: 'known', value: 'app-prod' });
    expect(evaluate(call('lower', str('ABC')))).toEqual({ state: 'known', value: 'abc' });
    expect(evaluate(call('cidrsubnet', str('10.0.0.0/16'), num(8), num(1)))).toEqual({ state: 'known', value: '10.0.1.0/24' });
    expect(evaluate(call('cidrsubnet', str('10.0.0.0/16'), num(4), num(15)))).toEqual({ state: 'known', value: '10.0.240.0/20' });
  });
  it('stays unknown on what it cannot compute', () => {
    expect(evaluate(call('cidrsubnet', str('10.0.0.0/30'), num(8), num(1))).state).toBe('unknown');
    expect(evaluate(call('timestamp')).state).toBe('unknown');
    expect(evaluate({ kind: 'ref', ref: { kind: 'variable', name: 'ha', text: 'var.ha' }, loc }).state).toBe('unknown');
  });
});

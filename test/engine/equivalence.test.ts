import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../shared/model/evaluate';
import type { Program } from '../../shared/model/program';
import type { Value } from '../../shared/model/types';
import { initEngine, programOf } from '../helpers/analyze';

/** The same small system in four languages lowers to the same resources and properties. */
const DIR = path.join(__dirname, '../fixtures/equivalence');

/** Known values as they are; unknowns as the kind of reference they come from (config and var both count as input). */
function shape(v: Value, program: Program): unknown {
  if (v.kind === 'object') return Object.fromEntries(v.props.map((p) => [p.key, shape(p.value, program)]));
  // A Terraform block and a Pulumi list holding one object are the same thing (getProperty treats them alike).
  if (v.kind === 'list' && v.items.length === 1 && v.items[0]!.kind === 'object') return shape(v.items[0]!, program);
  if (v.kind === 'list') return v.items.map((i) => shape(i, program));
  const e = evaluate(v, program);
  if (e.state === 'known') return e.value;
  if (v.kind === 'template') return `template(${v.parts.map((p) => (p.kind === 'string' ? p.value : '<input>')).join('')})`;
  if (v.kind === 'ref' && v.ref.kind === 'resource') return `ref(${v.ref.resourceType}.${v.ref.attribute})`;
  return 'unknown';
}

function lowered(file: string): unknown {
  const program = programOf(path.join(DIR, file), fs.readFileSync(path.join(DIR, file), 'utf8'));
  return program.resources
    .map((r) => ({ type: r.type, name: r.logicalName, props: shape(r.props, program) }))
    .sort((a, b) => (a.type + a.name).localeCompare(b.type + b.name));
}

beforeAll(() => initEngine());

describe('one model from four languages', () => {
  it('Terraform, TypeScript, JavaScript and Python agree', () => {
    const tf = lowered('main.tf');
    expect(tf).toMatchSnapshot();
    expect(lowered('index.ts')).toEqual(tf);
    expect(lowered('index.js')).toEqual(tf);
    expect(lowered('__main__.py')).toEqual(tf);
  });
});

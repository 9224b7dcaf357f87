import { deref, evaluate, getProperty } from '../../model/evaluate';
import type { Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { fargateCpuMemory, nearest } from '../../knowledge/facts';
import { describe, keyName, setFix } from '../util';
import { listText } from './rds-common';

/** Task sizes as ECS reads them: `256`, `"256"`, `"0.25 vCPU"` (cpu units) and `512`, `"512"`, `"0.5GB"` (MiB). */
function units(v: Value | undefined, unit: RegExp, ctx: Parameters<typeof evaluate>[1]): number | undefined {
  const e = evaluate(v, ctx);
  if (e.state !== 'known') return undefined;
  if (typeof e.value === 'number') return e.value;
  if (typeof e.value !== 'string') return undefined;
  const s = e.value.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const m = s.match(unit);
  return m ? Math.round(Number(m[1]) * 1024) : undefined;
}
const VCPU = /^(\d+(?:\.\d+)?|\.\d+) ?vcpu$/i;
const GB = /^(\d+(?:\.\d+)?|\.\d+) ?gb$/i;

export default defineRule({
  meta: {
    id: 'ecs-fargate-cpu-memory-invalid',
    title: 'Fargate task cpu/memory combination Fargate does not offer',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'ECS rejects the task definition ("No Fargate configuration exists for given values"): the deploy fails, and the service that runs the task is never created.',
    fix: 'Pick a memory size the task cpu allows: 256 cpu: 512-2048 MiB; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720 (1024 steps); 8192: 16384-61440 (4096 steps); 16384: 32768-122880 (8192 steps).',
    links: ['https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size'],
  },
  resourceTypes: ['aws_ecs_task_definition'],
  resource(r, ctx) {
    const compat = ctx.evaluate(getProperty(r, 'requires_compatibilities')?.value);
    if (compat.state !== 'known' || !Array.isArray(compat.value) || !compat.value.includes('FARGATE')) return;
    const cpuProp = getProperty(r, 'cpu');
    const memProp = getProperty(r, 'memory');
    const cpu = units(cpuProp?.value, VCPU, ctx.program);
    if (!cpuProp || cpu === undefined) return;
    const table = fargateCpuMemory();
    const cpuKey = keyName(r, 'cpu', cpuProp);
    const sizes = Object.keys(table).map(Number);
    const allowed = table[String(cpu)];
    if (!allowed) {
      ctx.report({
        resource: r,
        loc: cpuProp.value.loc,
        message: `Fargate task definition ${describe(r)} sets ${cpuKey} to ${cpu}, which is not a Fargate task size (${listText(sizes.map(String), 10)} cpu units)`,
        evaluation: `${cpuKey} evaluates to ${cpu} cpu units`,
      });
      return;
    }
    const memory = units(memProp?.value, GB, ctx.program);
    if (!memProp || memory === undefined || allowed.includes(memory)) return;
    const memKey = keyName(r, 'memory', memProp);
    const fitting = sizes.filter((c) => table[String(c)]!.includes(memory));
    const range =
      allowed.length <= 4
        ? listText(allowed.map(String), 4)
        : `${allowed[0]} to ${allowed[allowed.length - 1]} in steps of ${allowed[1]! - allowed[0]!}`;
    const best = nearest(allowed, memory);
    const written = deref(memProp.value, ctx.program);
    ctx.report({
      resource: r,
      loc: memProp.value.loc,
      message: `Fargate task definition ${describe(r)} sets ${cpuKey} ${cpu} with ${memKey} ${memory} MiB, a combination Fargate does not offer: ${cpu} cpu units allow ${range} MiB${fitting.length ? ` (${memory} MiB needs ${cpuKey} ${listText(fitting.map(String), 4)})` : ''}`,
      evaluation: `${cpuKey} evaluates to ${cpu} cpu units, ${memKey} to ${memory} MiB`,
      fixes: [
        setFix(
          r,
          'memory',
          { kind: 'literal', value: written?.kind === 'number' ? best : String(best) },
          false,
          `Set ${memKey} = ${best} (nearest size ${cpu} cpu units allow)`,
        ),
      ],
    });
  },
});

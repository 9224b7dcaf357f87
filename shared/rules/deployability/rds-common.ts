import { deref, evalString, getProperty } from '../../model/evaluate';
import type { Property, Resource, Value } from '../../model/types';
import type { RuleContext } from '../../engine/rule';

import { referencedResource } from '../util';

/** Not a rule: what the RDS value rules share (engine names, following references between RDS resources). */

const ENGINE_NAMES: Record<string, string> = {
  'aurora-postgresql': 'Aurora PostgreSQL',
  'aurora-mysql': 'Aurora MySQL',
  aurora: 'Aurora MySQL 5.6',
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  'sqlserver-ee': 'SQL Server Enterprise Edition',
  'sqlserver-se': 'SQL Server Standard Edition',
  'sqlserver-ex': 'SQL Server Express Edition',
  'sqlserver-web': 'SQL Server Web Edition',
  'custom-sqlserver-ee': 'RDS Custom for SQL Server Enterprise Edition',
  'custom-sqlserver-se': 'RDS Custom for SQL Server Standard Edition',
  'custom-sqlserver-web': 'RDS Custom for SQL Server Web Edition',
  'oracle-ee': 'Oracle Enterprise Edition',
  'oracle-se2': 'Oracle Standard Edition 2',
  'db2-ae': 'Db2 Advanced Edition',
  'db2-se': 'Db2 Standard Edition',
};

export function engineName(engine: string): string {
  return ENGINE_NAMES[engine] ?? engine;
}

/** The resource a value refers to: a reference to one of `types`, or a literal equal to the `name` of one. */
export function rdsResourceOf(v: Value | undefined, types: string[], ctx: RuleContext): Resource | undefined {
  if (!v) return undefined;
  if (v.kind === 'ref') return referencedResource(v, ctx.resourcesOf(...types));
  const name = evalString(v, ctx.program);
  if (name === undefined) return undefined;
  const byName = ctx.resourcesOf(...types).filter((r) => evalString(getProperty(r, 'name')?.value, ctx.program) === name);
  return byName.length === 1 ? byName[0] : undefined;
}

export interface EngineInfo {
  engine: string;
  engineProp: Property;
  /** The engine version, when known, and the resource and property it was read from. */
  version?: string;
  versionProp?: Property;
  versionFrom?: Resource;
}

/**
 * The engine (and version) a database resource runs: its own `engine`/`engine_version`, or for a cluster instance
 * those of its cluster. Undefined when the engine is not known.
 */
export function engineOf(r: Resource, ctx: RuleContext): EngineInfo | undefined {
  let engineProp = getProperty(r, 'engine');
  let versionProp = getProperty(r, 'engine_version');
  let versionFrom: Resource = r;
  if (r.type === 'aws_rds_cluster_instance') {
    const cluster = rdsResourceOf(getProperty(r, 'cluster_identifier')?.value, ['aws_rds_cluster'], ctx);
    if (cluster) {
      engineProp ??= getProperty(cluster, 'engine');
      if (!versionProp) {
        versionProp = getProperty(cluster, 'engine_version');
        versionFrom = cluster;
      }
    }
  }
  const engine = evalString(engineProp?.value, ctx.program);
  if (!engineProp || engine === undefined) return undefined;
  const version = versionText(versionProp?.value, ctx);
  return {
    engine,
    engineProp,
    version,
    versionProp: version !== undefined ? versionProp : undefined,
    versionFrom: version !== undefined ? versionFrom : undefined,
  };
}

/**
 * A version as written: a number literal (`engine_version = 8.0` in HCL, `engine_version=15.3` in Python) is read
 * from the source text, since the number 8.0 prints as "8".
 */
export function versionText(v: Value | undefined, ctx: RuleContext): string | undefined {
  const d = deref(v, ctx.program);
  if (d?.kind === 'number') {
    const file = ctx.program.files.find((f) => f.path === d.loc.file);
    const text = file?.text.slice(d.loc.start, d.loc.end).trim();
    return text && /^\d+(\.\d+)*$/.test(text) ? text : String(d.value);
  }
  return evalString(v, ctx.program);
}

/** `a, b, c or d` with at most `max` items shown. */
export function listText(items: string[], max = 8, last = 'or'): string {
  if (items.length === 0) return '';
  const shown = items.length > max ? [...items.slice(0, max), `... (${items.length - max} more)`] : items;
  if (shown.length === 1) return shown[0]!;
  return `${shown.slice(0, -1).join(', ')} ${last} ${shown[shown.length - 1]}`;
}

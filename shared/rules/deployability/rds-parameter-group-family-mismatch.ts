import { evalString, getProperty } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { familyMatchesEngine, parameterGroupFamily } from '../../knowledge/facts';
import { describe, keyName, setFix } from '../util';
import { engineName, engineOf, rdsResourceOf } from './rds-common';

const INSTANCE_GROUP = 'aws_db_parameter_group';
const CLUSTER_GROUP = 'aws_rds_cluster_parameter_group';

/** The parameter group properties of each database type, and the kind of group each expects. */
const LINKS: Record<string, { key: string; expects: string }[]> = {
  aws_db_instance: [{ key: 'parameter_group_name', expects: INSTANCE_GROUP }],
  aws_rds_cluster_instance: [{ key: 'db_parameter_group_name', expects: INSTANCE_GROUP }],
  aws_rds_cluster: [
    { key: 'db_cluster_parameter_group_name', expects: CLUSTER_GROUP },
    { key: 'db_instance_parameter_group_name', expects: INSTANCE_GROUP },
  ],
};

const groupKind = (t: string): string => (t === CLUSTER_GROUP ? 'cluster parameter group' : 'DB parameter group');

function check(db: Resource, key: string, expects: string, ctx: RuleContext): void {
  const prop = getProperty(db, key);
  if (!prop) return;
  const group = rdsResourceOf(prop.value, [INSTANCE_GROUP, CLUSTER_GROUP], ctx);
  if (!group) return;
  const dbKey = keyName(db, key, prop);
  if (group.type !== expects) {
    ctx.report({
      resource: db,
      loc: prop.value.loc,
      message: `${describe(db)} uses the ${groupKind(group.type)} ${describe(group)} as its ${dbKey}, which needs a ${groupKind(expects)} (${expects})`,
      related: [{ loc: group.headLoc, message: `a ${groupKind(group.type)}, not a ${groupKind(expects)}` }],
    });
    return;
  }
  const familyProp = getProperty(group, 'family');
  const family = evalString(familyProp?.value, ctx.program);
  if (!familyProp || family === undefined) return;
  const info = engineOf(db, ctx);
  if (!info) return;
  const familyKey = keyName(group, 'family', familyProp);
  const derived = info.version !== undefined ? parameterGroupFamily(info.engine, info.version) : undefined;
  const related = [
    { loc: prop.value.loc, message: `${describe(db)} uses the group here` },
    info.versionProp
      ? {
          loc: info.versionProp.value.loc,
          message: `${info.engine} ${info.version}${info.versionFrom !== db ? ` (from ${describe(info.versionFrom!)})` : ''}: family ${derived ?? 'unknown'}`,
        }
      : { loc: info.engineProp.value.loc, message: `engine ${info.engine}` },
  ];
  if (derived !== undefined) {
    if (derived === family) return;
    ctx.report({
      resource: group,
      loc: familyProp.value.loc,
      message: `${describe(group)} has ${familyKey} "${family}", but ${describe(db)} runs ${engineName(info.engine)} ${info.version}, whose family is "${derived}"`,
      evaluation: `${familyKey} evaluates to "${family}"; ${describe(db)}: engine "${info.engine}", version "${info.version}"`,
      related,
      fixes: [setFix(group, 'family', { kind: 'literal', value: derived }, true)],
    });
    return;
  }
  // The version is unknown (AWS picks the default): only the engine part of the family can be checked.
  if (familyMatchesEngine(info.engine, family) === false) {
    ctx.report({
      resource: group,
      loc: familyProp.value.loc,
      message: `${describe(group)} has ${familyKey} "${family}", which is not a family of ${engineName(info.engine)}, the engine of ${describe(db)} (${info.engine})`,
      evaluation: `${familyKey} evaluates to "${family}"; ${describe(db)}: engine "${info.engine}"`,
      related,
    });
  }
}

export default defineRule({
  meta: {
    id: 'rds-parameter-group-family-mismatch',
    title: 'Parameter group family does not match the database engine',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'RDS rejects a parameter group whose family is not the engine and major version of the database that uses it ("The parameter group ... with DBParameterGroupFamily ... cannot be used for this instance"); a cluster parameter group cannot stand in for an instance parameter group or the reverse. The deploy fails at the database.',
    fix: "Set the group's `family` to the engine and major version of the database (postgres16, aurora-postgresql15, mysql8.0, aurora-mysql8.0, mariadb10.11), or derive it from the same variable as `engine_version`; use an `aws_rds_cluster_parameter_group` for `db_cluster_parameter_group_name` and an `aws_db_parameter_group` for instances.",
    links: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html',
      'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html',
    ],
  },
  resourceTypes: Object.keys(LINKS),
  resource(r, ctx) {
    for (const { key, expects } of LINKS[r.type] ?? []) check(r, key, expects, ctx);
  },
});

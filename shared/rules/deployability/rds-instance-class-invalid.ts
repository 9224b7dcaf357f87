import { evalString, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { instanceClassCatalogueDate, instanceClassesFor, instanceClassStatus } from '../../knowledge/facts';
import { describe, keyName } from '../util';
import { engineName, engineOf, rdsResourceOf } from './rds-common';

const SIZES = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge'];
/** micro < small < ... < large < xlarge < 2xlarge < ... */
function sizeRank(size: string): number {
  const i = SIZES.indexOf(size);
  if (i >= 0) return i;
  const m = size.match(/^(\d+)xlarge$/);
  return m ? SIZES.length + Number(m[1]) : 1000;
}
const bySize = (a: string, b: string): number => sizeRank(a) - sizeRank(b);

export default defineRule({
  meta: {
    id: 'rds-instance-class-invalid',
    title: 'DB instance class that does not exist or the engine does not support',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'RDS rejects the instance ("RDS does not support creating a DB instance with the following combination: DBInstanceClass=db.t3.micro, Engine=aurora-postgresql"): the deploy fails at the database, often after the cluster was created.',
    fix: 'Use a DB instance class (`db.` + an instance family and size) that the engine supports in the region: Aurora needs at least db.t3.medium / db.t4g.medium, Aurora Serverless v2 instances use `db.serverless`.',
    links: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html',
      'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html',
      'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.create.html',
    ],
  },
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance'],
  resource(r, ctx) {
    const prop = getProperty(r, 'instance_class');
    const cls = evalString(prop?.value, ctx.program);
    if (!prop || cls === undefined) return;
    const key = keyName(r, 'instance_class', prop);
    const where = `${describe(r)} sets ${key} to "${cls}"`;
    const evaluation = `${key} evaluates to "${cls}"`;

    if ((!/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(cls) || /serverless/i.test(cls)) && cls !== 'db.serverless') {
      const hint = /serverless/i.test(cls)
        ? ': Aurora Serverless v2 instances use the class "db.serverless"'
        : /^[a-z0-9-]+\.[a-z0-9]+$/.test(cls)
          ? `: DB instance classes start with "db." ("db.${cls}")`
          : ': DB instance classes look like "db.r6g.large"';
      ctx.report({ resource: r, loc: prop.value.loc, message: `${where}, which is not a DB instance class${hint}`, evaluation });
      return;
    }
    const status = instanceClassStatus(cls);
    if (status === 'unknown-size') {
      ctx.report({
        resource: r,
        loc: prop.value.loc,
        message: `${where}, which is not a DB instance class (the ${cls.split('.')[1]} family has no size ${cls.split('.')[2]})`,
        evaluation,
      });
      return;
    }
    if (status === 'unknown-family') {
      ctx.report({
        resource: r,
        loc: prop.value.loc,
        severity: 'low',
        message: `${where}, which is not in the catalogue of DB instance classes of ${instanceClassCatalogueDate()}: check that RDS offers it`,
        evaluation,
      });
      return;
    }
    const info = engineOf(r, ctx);
    if (!info) return;
    const supported = instanceClassesFor(info.engine);
    if (!supported || supported.includes(cls)) {
      // db.serverless on an Aurora cluster without a Serverless v2 scaling configuration.
      if (cls === 'db.serverless' && r.type === 'aws_rds_cluster_instance') {
        const cluster = rdsResourceOf(getProperty(r, 'cluster_identifier')?.value, ['aws_rds_cluster'], ctx);
        if (cluster && !cluster.props.partial && !getProperty(cluster, 'serverlessv2_scaling_configuration')) {
          ctx.report({
            resource: r,
            loc: prop.value.loc,
            message: `${where}, but its cluster ${describe(cluster)} has no ${keyName(cluster, 'serverlessv2_scaling_configuration')}: Aurora Serverless v2 instances need the cluster's capacity range`,
            evaluation,
            related: [{ loc: cluster.headLoc, message: 'the cluster, without a Serverless v2 scaling configuration' }],
          });
        }
      }
      return;
    }
    const family = cls.split('.')[1]!;
    const sameFamily = supported.filter((c) => c.split('.')[1] === family);
    const hint =
      cls === 'db.serverless'
        ? `: db.serverless is for Aurora Serverless v2 (aurora-postgresql, aurora-mysql)`
        : sameFamily.length
          ? `; the ${family} sizes it supports are ${sameFamily
              .map((c) => c.split('.')[2]!)
              .sort(bySize)
              .join(', ')}`
          : `; it supports no ${family} classes`;
    ctx.report({
      resource: r,
      loc: prop.value.loc,
      message: `${where}, a class ${engineName(info.engine)} (${info.engine}) does not support in any region${hint}`,
      evaluation: `${evaluation}; engine is "${info.engine}"`,
      related: [{ loc: info.engineProp.value.loc, message: `engine ${info.engine}` }],
    });
  },
});

import { evalBool, evalString, getProperty } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName, locFor, setFix } from '../util';

/** Instances whose `cluster_identifier` points at the cluster (by symbol, Terraform name or literal identifier). */
function clusterInstances(cluster: Resource, instances: Resource[]): Resource[] {
  return instances.filter((i) => {
    const v = getProperty(i, 'cluster_identifier')?.value;
    if (v?.kind === 'ref' && v.ref.kind === 'resource') return v.ref.name === (cluster.symbol ?? cluster.logicalName);
    return false;
  });
}

export default defineRule({
  meta: {
    id: 'rds-multi-az-disabled',
    title: 'RDS database without Multi-AZ',
    category: 'reliability',
    severity: 'medium',
    profiles: ['production'],
    languages: ALL_LANGUAGES,
    impact:
      'A single-AZ database goes down with its Availability Zone and during maintenance that needs a reboot; a production outage follows.',
    fix: 'Set `multi_az = true` on RDS instances; give an Aurora cluster at least two instances in different zones.',
    links: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html'],
    equivalents: { checkov: ['CKV_AWS_157'] },
  },
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  resource(r, ctx) {
    if (r.type === 'aws_rds_cluster') {
      const engine = evalString(getProperty(r, 'engine')?.value, ctx.program);
      if (engine !== undefined && !engine.startsWith('aurora')) return; // Multi-AZ DB clusters are configured differently
      const instances = clusterInstances(r, ctx.resourcesOf('aws_rds_cluster_instance'));
      if (instances.length === 1 && instances[0]!.multiplicity === 'one') {
        ctx.report({
          resource: r,
          loc: r.headLoc,
          message: `Aurora cluster ${describe(r)} has a single instance (${describe(instances[0]!)}): a failover has nowhere to go`,
          related: [{ loc: instances[0]!.headLoc, message: 'the only instance of the cluster' }],
        });
      }
      return;
    }
    const engine = evalString(getProperty(r, 'engine')?.value, ctx.program);
    if (engine?.startsWith('aurora')) return; // Aurora instances get their availability from the cluster
    // A read replica in one zone is the norm: the primary it copies is the one to make Multi-AZ.
    if (getProperty(r, 'replicate_source_db')) return;
    const prop = getProperty(r, 'multi_az');
    const v = evalBool(prop?.value, ctx.program);
    if (v === true || v === undefined) return;
    const key = keyName(r, 'multi_az', prop);
    ctx.report({
      resource: r,
      loc: locFor(r, prop),
      message:
        v === 'absent'
          ? `RDS instance ${describe(r)} does not set ${key}, so it runs in a single Availability Zone`
          : `RDS instance ${describe(r)} sets ${key} to false, so it runs in a single Availability Zone`,
      evaluation: prop ? `${key} evaluates to false` : `${key} is absent (the default is false)`,
      fixes: [setFix(r, 'multi_az', { kind: 'literal', value: true }, true)],
    });
  },
});

import { asObject, evalNumber, evalString, getProperty } from '../../model/evaluate';
import type { Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe, natRoutes, referencedResource } from '../util';

/**
 * What tells a subnet's zone apart: the zone name when known, or the position taken from the zones data source
 * (`names[0]` and `names[1]` are different zones even though neither name is known).
 */
function zoneKey(v: Value | undefined, ctx: RuleContext): string | undefined {
  const known = evalString(v, ctx.program);
  if (known !== undefined) return known;
  if (
    v?.kind === 'ref' &&
    v.ref.kind === 'data' &&
    v.ref.resourceType === 'aws_availability_zones' &&
    /^names\[\d+\]$/.test(v.ref.attribute ?? '')
  )
    return `${v.ref.name}.${v.ref.attribute}`;
  return undefined;
}

export default defineRule({
  meta: {
    id: 'nat-gateway-single-az',
    title: 'Private subnets in several zones behind one NAT gateway',
    category: 'reliability',
    severity: 'medium',
    profiles: ['production'],
    languages: ALL_LANGUAGES,
    impact:
      'A NAT gateway lives in one Availability Zone. When that zone fails, the private subnets of every other zone lose their route to the internet too: tasks cannot pull images, call AWS APIs outside VPC endpoints or reach third parties, so a one-zone outage takes down the whole service. Cross-zone traffic to the gateway is also billed.',
    fix: 'Create one NAT gateway per zone and give each zone\'s private route table its own (`awsx.ec2.Vpc`: `natGateways: { strategy: "OnePerAz" }`).',
    links: ['https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html#nat-gateway-basics'],
  },
  program(ctx) {
    for (const vpc of ctx.resourcesOf('awsx.ec2.Vpc')) {
      const nat = asObject(getProperty(vpc, 'nat_gateways')?.value, ctx.program);
      const strategy = nat && getProperty(nat, 'strategy');
      const zones = evalNumber(getProperty(vpc, 'number_of_availability_zones')?.value, ctx.program);
      if (strategy && evalString(strategy.value, ctx.program)?.toLowerCase() === 'single' && zones !== 1)
        ctx.report({
          resource: vpc,
          loc: strategy.value.loc,
          message: `${describe(vpc)} uses the Single NAT gateway strategy: the private subnets of all its zones go out through one zone, and lose the internet when that zone fails`,
        });
    }

    const nats = ctx.resourcesOf('aws_nat_gateway').filter((n) => n.multiplicity === 'one');
    if (nats.length === 0) return;
    const natOf = new Map<Resource, Resource>();
    for (const { table, via } of natRoutes(ctx)) {
      const nat = referencedResource(via, nats);
      if (nat) natOf.set(table, nat);
    }
    const subnets = ctx.resourcesOf('aws_subnet');
    const zonesByNat = new Map<Resource, Map<string, Resource>>();
    for (const assoc of ctx.resourcesOf('aws_route_table_association')) {
      if (assoc.multiplicity !== 'one') continue;
      const table = referencedResource(getProperty(assoc, 'route_table_id')?.value, [...natOf.keys()]);
      const subnet = referencedResource(getProperty(assoc, 'subnet_id')?.value, subnets);
      if (!table || !subnet || subnet.multiplicity !== 'one') continue;
      const zone = zoneKey(getProperty(subnet, 'availability_zone')?.value, ctx);
      if (zone === undefined) continue;
      const nat = natOf.get(table)!;
      const zones = zonesByNat.get(nat) ?? new Map<string, Resource>();
      if (!zones.has(zone)) zones.set(zone, subnet);
      zonesByNat.set(nat, zones);
    }
    for (const [nat, zones] of zonesByNat) {
      if (zones.size < 2) continue;
      const list = [...zones.values()];
      ctx.report({
        resource: nat,
        loc: nat.headLoc,
        message: `NAT gateway ${describe(nat)} carries the private subnets of ${zones.size} zones (${list.map(describe).join(', ')}): when its zone fails, all of them lose their route to the internet`,
        related: list.map((s) => ({ loc: s.headLoc, message: `private subnet ${describe(s)}` })),
      });
    }
  },
});

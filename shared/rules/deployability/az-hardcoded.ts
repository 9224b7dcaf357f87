import { deref, evaluate } from '../../model/evaluate';
import type { Program } from '../../model/program';
import type { FixIntent, Loc, Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { describe } from '../util';

/** Arguments that take zone names (canonical keys, at any depth: `placement.availability_zone`). */
const AZ_KEYS = new Set([
  'availability_zone',
  'availability_zones',
  'azs',
  'availability_zone_names',
  'preferred_availability_zones',
  'preferred_cache_cluster_azs',
]);

/** `us-east-1a`, `eu-central-1b`, `us-gov-west-1a`, and Local Zones (`us-west-2-lax-1a`). */
const AZ_NAME = /^((?:[a-z]{2}(?:-gov|-iso[a-z]*)?)-[a-z]+-\d)(?:-[a-z]+-\d)?([a-z])$/;

export function regionOfZone(zone: string): string | undefined {
  return AZ_NAME.exec(zone.trim())?.[1];
}

/** The regions the resource deploys to, with where each comes from; empty when not known. */
function regionsOf(r: Resource, program: Program): { region: string; source: string }[] {
  if (r.language === 'terraform') {
    const provider = r.options.provider;
    const alias = provider?.kind === 'ref' && provider.ref.kind === 'provider' ? provider.ref.name || undefined : undefined;
    for (const f of program.files) {
      for (const p of f.terraform?.providers ?? []) {
        if (p.name !== 'aws' || (p.alias ?? undefined) !== alias) continue;
        const region = p.props.props.find((x) => x.key === 'region');
        const e = evaluate(region?.value, program);
        if (e.state === 'known' && typeof e.value === 'string')
          return [{ region: e.value, source: alias ? `provider aws.${alias}` : 'the aws provider' }];
      }
    }
    return [];
  }
  const out: { region: string; source: string }[] = [];
  for (const stack of program.stackNames) {
    const region = program.stackConfig[stack]?.['aws:region'];
    if (typeof region === 'string') out.push({ region, source: `stack ${stack} (Pulumi.${stack}.yaml)` });
  }
  return out;
}

interface Zone {
  zones: string[];
  loc: Loc;
  key: string;
  value: Value;
}

/** The literal zone names a property's value evaluates to (list items one by one, so an unknown item hides only itself). */
function zonesIn(v: Value, key: string, program: Program, out: Zone[]): void {
  const found: string[] = [];
  const add = (x: Value): void => {
    if (x.kind === 'list') return x.items.forEach(add);
    // Zones a tfvars file sets are the deployment's configuration, chosen per environment, not code to change.
    if (deref(x, program)?.loc.file.endsWith('.tfvars')) return;
    const e = evaluate(x, program);
    if (e.state !== 'known') return;
    for (const z of Array.isArray(e.value) ? e.value : [e.value])
      if (typeof z === 'string' && regionOfZone(z) && !found.includes(z)) found.push(z);
  };
  add(v);
  if (found.length > 0) out.push({ zones: found, loc: v.loc, key, value: v });
}

/** A zone picked by position from the zones data source: `data.aws_availability_zones.available.names[2]`. */
interface ZoneIndex {
  index: number;
  loc: Loc;
  key: string;
  text: string;
}

function zoneIndexIn(v: Value, key: string, out: ZoneIndex[]): void {
  const values = v.kind === 'list' ? v.items : [v];
  for (const x of values) {
    if (x.kind !== 'ref' || x.ref.kind !== 'data' || x.ref.resourceType !== 'aws_availability_zones') continue;
    const m = /^(?:names|zone_ids)\[(\d+)\]$/.exec(x.ref.attribute ?? '');
    if (m) out.push({ index: Number(m[1]), loc: x.loc, key, text: x.ref.text });
  }
}

function collect(v: Value, program: Program, out: Zone[], indexes: ZoneIndex[], depth = 0): void {
  if (depth > 20) return;
  if (v.kind === 'object') {
    for (const p of v.props) {
      if (AZ_KEYS.has(p.key)) {
        zonesIn(p.value, p.keyAsWritten, program, out);
        zoneIndexIn(p.value, p.keyAsWritten, indexes);
      } else collect(p.value, program, out, indexes, depth + 1);
    }
  } else if (v.kind === 'list') {
    for (const item of v.items) collect(item, program, out, indexes, depth + 1);
  }
}

/**
 * One literal zone replaced by the same position in the region's available zones (`a` -> `names[0]`): the
 * `aws_availability_zones` data source (added when the module has none) or `getAvailabilityZonesOutput()`.
 */
function zonesSourceFix(r: Resource, z: Zone, ctx: RuleContext): Fix[] {
  if (z.value.kind !== 'string' || z.zones.length !== 1) return [];
  const index = z.zones[0]!.charCodeAt(z.zones[0]!.length - 1) - 'a'.charCodeAt(0);
  if (index < 0 || index > 5) return [];
  const title = `Use zone ${index + 1} of the region's available zones`;
  if (r.language === 'terraform') {
    const existing = ctx.resourcesOf('aws_availability_zones').find((d) => d.kind === 'data' && d.multiplicity === 'one');
    const name = existing?.logicalName ?? 'available';
    const intents: FixIntent[] = [
      { kind: 'replaceValue', value: z.value, with: { kind: 'expr', terraform: `data.aws_availability_zones.${name}.names[${index}]` } },
    ];
    if (!existing)
      intents.push({
        kind: 'addResource',
        after: r,
        type: 'aws_availability_zones',
        name,
        data: true,
        args: { state: { kind: 'literal', value: 'available' } },
      });
    return [{ title, intents, safe: false }];
  }
  // The invoke is written through the file's own import of the package.
  const file = ctx.program.files.find((f) => f.path === r.loc.file);
  const pkg = r.language === 'python' ? 'pulumi_aws' : '@pulumi/aws';
  const alias = Object.entries(file?.pulumi?.imports ?? {}).find(([, p]) => p === pkg)?.[0];
  if (!alias) return [];
  const expr =
    r.language === 'python'
      ? { python: `${alias}.get_availability_zones_output(state="available").names[${index}]` }
      : { typescript: `${alias}.getAvailabilityZonesOutput({ state: 'available' }).names[${index}]` };
  return [{ title, intents: [{ kind: 'replaceValue', value: z.value, with: { kind: 'expr', ...expr } }], safe: false }];
}

export default defineRule({
  meta: {
    id: 'az-hardcoded',
    title: 'Availability Zone written as a literal',
    category: 'deployability',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'A zone name written in the program ties it to one region: deployed with another region the zone does not exist and the deploy fails; in the same region, not every account has every zone (zone letters map to different physical zones per account, and some are closed to new customers).',
    fix: 'Read the zones from the data source (`data "aws_availability_zones"` / `aws.getAvailabilityZones()`) and index into its names, or take them from configuration.',
    links: [
      'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html',
      'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/availability_zones',
    ],
  },
  dataSources: true,
  resource(r, ctx: RuleContext) {
    if (r.kind === 'data') return;
    const zones: Zone[] = [];
    const indexes: ZoneIndex[] = [];
    collect(r.props, ctx.program, zones, indexes);
    for (const z of indexes.filter((x) => x.index >= 2)) {
      ctx.report({
        resource: r,
        loc: z.loc,
        message: `${describe(r)} sets ${z.key} to ${z.text}, zone number ${z.index + 1} of the region: some regions give an account only two zones (us-west-1 does for most accounts), where the index does not exist and the plan fails`,
      });
    }
    if (zones.length === 0) return;
    const regions = regionsOf(r, ctx.program);
    const list = (zs: string[]): string => zs.map((z) => `"${z}"`).join(', ');
    for (const z of zones) {
      const wrong = regions.flatMap((x) => z.zones.filter((zone) => regionOfZone(zone) !== x.region).map((zone) => ({ zone, ...x })));
      if (wrong.length > 0) {
        const zs = [...new Set(wrong.map((w) => w.zone))];
        const where = [...new Set(wrong.map((w) => `${w.source} deploys to ${w.region}`))].join(' and ');
        ctx.report({
          resource: r,
          loc: z.loc,
          severity: 'high',
          message: `${describe(r)} sets ${z.key} to ${zs.length > 1 ? 'the zones' : 'the zone'} ${list(zs)}, but ${where}: ${zs.length > 1 ? 'those zones do' : 'the zone does'} not exist there and the deploy fails`,
          fixes: zonesSourceFix(r, z, ctx),
        });
        continue;
      }
      const zoneRegions = [...new Set(z.zones.map((x) => regionOfZone(x)!))];
      ctx.report({
        resource: r,
        loc: z.loc,
        message: `${describe(r)} sets ${z.key} to the literal ${z.zones.length > 1 ? 'zones' : 'zone'} ${list(z.zones)}: the program can only deploy to ${zoneRegions.join(' and ')}, and only in accounts where ${z.zones.length > 1 ? 'those zones are' : 'that zone is'} available`,
        fixes: zonesSourceFix(r, z, ctx),
      });
    }
  },
});

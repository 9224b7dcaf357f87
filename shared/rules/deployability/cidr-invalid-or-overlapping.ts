import { evalString, getProperty } from '../../model/evaluate';
import type { Property, Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe, keyName, referencedResource } from '../util';

export interface Cidr {
  text: string;
  base: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; a string saying what is wrong otherwise. */
export function parseCidr(text: string): Cidr | string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) return /^[\d.]+$/.test(text.trim()) ? 'it has no /prefix length' : 'it is not of the form a.b.c.d/n';
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return 'an octet is above 255';
  const prefix = Number(m[5]);
  if (prefix > 32) return `/${prefix} is not a prefix length (0-32)`;
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(addr / size) * size;
  if (base !== addr) return `it has host bits set: the network address of a /${prefix} there is ${toIp(base)}/${prefix}`;
  return { text: text.trim(), base, prefix };
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

const end = (c: Cidr): number => c.base + 2 ** (32 - c.prefix);
const inside = (inner: Cidr, outer: Cidr): boolean => inner.base >= outer.base && end(inner) <= end(outer);
const overlap = (a: Cidr, b: Cidr): boolean => a.base < end(b) && b.base < end(a);

interface Block {
  r: Resource;
  prop: Property;
  cidr: Cidr;
}

/** The VPC resource a subnet's vpc_id references, if it is in the program. */
function vpcOf(subnet: Resource, vpcs: Resource[]): Resource | undefined {
  const v = getProperty(subnet, 'vpc_id')?.value;
  if (v?.kind !== 'ref' || v.ref.kind !== 'resource' || (v.ref.attribute ?? 'id') !== 'id') return undefined;
  return referencedResource(v, vpcs);
}

export default defineRule({
  meta: {
    id: 'cidr-invalid-or-overlapping',
    title: 'Invalid or overlapping VPC / subnet CIDR',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      "EC2 rejects a malformed CIDR, a VPC or subnet prefix outside /16-/28, a subnet CIDR outside its VPC's ranges and a subnet that overlaps another subnet of the VPC (InvalidSubnet.Range, InvalidSubnet.Conflict): the deploy fails part-way.",
    fix: 'Give every subnet a distinct range inside the VPC CIDR (Terraform `cidrsubnet()` with distinct indexes), with prefixes between /16 and /28 and the network address as the base.',
    links: [
      'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html',
      'https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html',
    ],
  },
  program(ctx: RuleContext) {
    const vpcs = ctx.resourcesOf('aws_vpc').filter((r) => r.kind === 'resource');
    const subnets = ctx.resourcesOf('aws_subnet').filter((r) => r.kind === 'resource');
    const associations = ctx.resourcesOf('aws_vpc_ipv4_cidr_block_association');
    const valid = new Map<Resource, Block>();
    for (const r of [...vpcs, ...subnets]) {
      const prop = getProperty(r, 'cidr_block');
      const text = evalString(prop?.value, ctx.program);
      if (!prop || text === undefined) continue;
      const what = r.type === 'aws_vpc' ? 'VPC' : 'subnet';
      const key = keyName(r, 'cidr_block', prop);
      const parsed = parseCidr(text);
      if (typeof parsed === 'string') {
        ctx.report({
          resource: r,
          loc: prop.value.loc,
          message: `${what} ${describe(r)} has ${key} "${text}", which is not a valid CIDR: ${parsed}`,
        });
        continue;
      }
      if (parsed.prefix < 16 || parsed.prefix > 28) {
        ctx.report({
          resource: r,
          loc: prop.value.loc,
          message: `${what} ${describe(r)} has ${key} "${text}": a ${what}'s prefix must be between /16 and /28, not /${parsed.prefix}`,
        });
        continue;
      }
      valid.set(r, { r, prop, cidr: parsed });
    }
    // Subnets per VPC: inside one of its ranges, and not overlapping each other.
    for (const vpc of vpcs) {
      const own = valid.get(vpc);
      const members = subnets.filter((s) => vpcOf(s, vpcs) === vpc);
      const ranges: Cidr[] = own ? [own.cidr] : [];
      let rangesKnown = !!own;
      for (const a of associations) {
        const target = vpcOf(a, vpcs);
        if (target !== vpc) continue;
        const c = parseCidr(evalString(getProperty(a, 'cidr_block')?.value, ctx.program) ?? '');
        if (typeof c === 'string') rangesKnown = false;
        else ranges.push(c);
      }
      const placed: Block[] = [];
      for (const s of members) {
        const b = valid.get(s);
        if (!b) continue;
        if (rangesKnown && own && !ranges.some((rg) => inside(b.cidr, rg))) {
          ctx.report({
            resource: s,
            loc: b.prop.value.loc,
            message: `subnet ${describe(s)} has ${keyName(s, 'cidr_block', b.prop)} "${b.cidr.text}", outside ${ranges.length > 1 ? 'the ranges' : 'the CIDR'} of its VPC ${describe(vpc)} (${ranges.map((x) => x.text).join(', ')}): EC2 rejects it`,
            related: [{ loc: own.prop.value.loc, message: `the VPC's CIDR ${own.cidr.text}` }],
          });
          continue;
        }
        if (s.multiplicity !== 'one') continue;
        const clash = placed.find((p) => overlap(p.cidr, b.cidr));
        if (clash) {
          ctx.report({
            resource: s,
            loc: b.prop.value.loc,
            message: `subnet ${describe(s)} has ${keyName(s, 'cidr_block', b.prop)} "${b.cidr.text}", which overlaps ${describe(clash.r)} (${clash.cidr.text}) in the same VPC ${describe(vpc)}: EC2 rejects the second one`,
            related: [{ loc: clash.prop.value.loc, message: `the overlapping range of ${describe(clash.r)}` }],
          });
          continue;
        }
        placed.push(b);
      }
    }
  },
});

import { deref, evalBool, evalNumber, evalString, getProperty } from '../../model/evaluate';
import type { Program } from '../../model/program';
import type { Property, Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe, keyName, referencedResource, setFix } from '../util';

/** The random provider's default special characters (random_password, random.RandomPassword). */
const DEFAULT_SPECIAL = '!@#$%&*()-_=+[]{}<>:?';
/** What the fix writes: the default set without `@` (and without `&`, which Oracle rejects). */
const SAFE_SPECIAL = '!#$%*()-_=+[]{}<>:?';

/** Password rules per engine family: characters RDS rejects and the length range. */
function rulesFor(engine: string | undefined): { forbidden: string[]; min: number; max: number; family: string } {
  const e = engine ?? '';
  const base = ['/', '@', '"', ' '];
  if (/^(aurora-mysql|aurora$|mysql|mariadb)/.test(e)) return { forbidden: base, min: 8, max: 41, family: 'MySQL and MariaDB' };
  if (/^oracle/.test(e)) return { forbidden: [...base, '&', "'"], min: 8, max: 30, family: 'Oracle' };
  if (/^(aurora-postgresql|postgres)/.test(e)) return { forbidden: base, min: 8, max: 128, family: 'PostgreSQL' };
  if (/^sqlserver/.test(e)) return { forbidden: base, min: 8, max: 128, family: 'SQL Server' };
  if (/^db2/.test(e)) return { forbidden: base, min: 8, max: 255, family: 'Db2' };
  return { forbidden: base, min: 8, max: Infinity, family: 'RDS' };
}

const shown = (c: string): string => (c === ' ' ? 'a space' : `"${c}"`);

/** The random_password resource a value references (`random_password.db.result`, `password.result`). */
function randomPasswordOf(prop: Property, program: Program, candidates: Resource[]): Resource | undefined {
  const v = deref(prop.value, program) ?? prop.value;
  if (v.kind !== 'ref' || (v.ref.kind !== 'random' && v.ref.kind !== 'resource')) return undefined;
  if (v.ref.attribute && v.ref.attribute !== 'result') return undefined;
  return referencedResource(v, candidates);
}

export default defineRule({
  meta: {
    id: 'rds-master-password-invalid',
    title: 'RDS master password that RDS rejects',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'RDS rejects a master password containing "/", "@", \'"\' or a space, or outside the engine\'s length range (8-41 for MySQL and MariaDB, 8-30 for Oracle, 8-128 for PostgreSQL): the create fails with InvalidParameterValue. A generated password with the default special characters includes "@" only sometimes, so the deploy fails at random.',
    fix: 'On the generated password, set `override_special` to a set without the rejected characters (for example "!#$%*()-_=+[]{}<>:?"), or let RDS manage the password (`manage_master_user_password`).',
    links: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html',
      'https://registry.terraform.io/providers/hashicorp/random/latest/docs/resources/password',
    ],
  },
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  resource(r, ctx: RuleContext) {
    const key = r.type === 'aws_db_instance' ? 'password' : 'master_password';
    const prop = getProperty(r, key);
    if (!prop) return;
    const engine = evalString(getProperty(r, 'engine')?.value, ctx.program);
    const rules = rulesFor(engine);
    const name = keyName(r, key, prop);
    const literal = evalString(prop.value, ctx.program);
    if (literal !== undefined) {
      const bad = rules.forbidden.filter((c) => literal.includes(c));
      if (bad.length > 0) {
        ctx.report({
          resource: r,
          loc: prop.value.loc,
          message: `${describe(r)} sets ${name} to a value containing ${bad.map(shown).join(' and ')}, which RDS rejects in a master password`,
        });
      } else if (literal.length < rules.min || literal.length > rules.max) {
        ctx.report({
          resource: r,
          loc: prop.value.loc,
          message: `${describe(r)} sets ${name} to a value of ${literal.length} characters: ${rules.family} master passwords must have ${rules.min} to ${rules.max} characters`,
        });
      }
      return;
    }
    const random = randomPasswordOf(prop, ctx.program, ctx.resourcesOf('random_password'));
    if (!random) return;
    const length = evalNumber(getProperty(random, 'length')?.value, ctx.program);
    if (length !== undefined && (length < rules.min || length > rules.max)) {
      ctx.report({
        resource: r,
        loc: prop.value.loc,
        message: `${describe(r)} takes ${name} from ${describe(random)} with length ${length}: ${rules.family} master passwords must have ${rules.min} to ${rules.max} characters`,
        related: [{ loc: getProperty(random, 'length')!.value.loc, message: 'the generated length' }],
      });
    }
    const special = evalBool(getProperty(random, 'special')?.value, ctx.program);
    if (special === false || special === undefined) return;
    const overrideProp = getProperty(random, 'override_special');
    let chars = DEFAULT_SPECIAL;
    if (overrideProp) {
      const o = evalString(overrideProp.value, ctx.program);
      if (o === undefined) return;
      chars = o;
    }
    const bad = rules.forbidden.filter((c) => chars.includes(c));
    if (bad.length === 0) return;
    ctx.report({
      resource: r,
      loc: prop.value.loc,
      message: `${describe(r)} takes ${name} from ${describe(random)}, whose special characters (${overrideProp ? keyName(random, 'override_special', overrideProp) : 'the default set'} "${chars}") include ${bad.map(shown).join(' and ')}: RDS rejects the password whenever one is drawn`,
      related: [{ loc: overrideProp?.value.loc ?? random.headLoc, message: `the character set of ${describe(random)}` }],
      fixes: [setFix(random, 'override_special', { kind: 'literal', value: SAFE_SPECIAL }, true)],
    });
  },
});

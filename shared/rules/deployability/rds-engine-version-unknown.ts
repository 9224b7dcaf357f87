import { deref } from '../../model/evaluate';
import type { Fix } from '../../engine/rule';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { checkEngineVersion, compareVersions, engineCatalogue, majorOf } from '../../knowledge/facts';
import { describe, keyName } from '../util';
import { engineName, engineOf, listText } from './rds-common';

const article = (name: string): string => `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;

export default defineRule({
  meta: {
    id: 'rds-engine-version-unknown',
    title: 'RDS engine version AWS does not offer',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'AWS refuses to create the database ("Cannot find version 15.3 for aurora-postgresql"): the deploy fails after everything before it was created.',
    fix: 'Use a version AWS offers for the engine (the newest minor of the same major), or the major version alone ("15", "8.0") to let AWS pick its default minor.',
    links: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/AuroraPostgreSQL.Updates.html',
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.PostgreSQL.html',
      'https://docs.aws.amazon.com/cli/latest/reference/rds/describe-db-engine-versions.html',
    ],
  },
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster', 'aws_rds_global_cluster'],
  resource(r, ctx) {
    const info = engineOf(r, ctx);
    if (!info?.version || !info.versionProp || info.versionFrom !== r) return;
    const { engine, version, versionProp } = info;
    const verdict = checkEngineVersion(engine, version);
    if (!verdict || verdict.kind === 'ok') return;
    const key = keyName(r, 'engine_version', versionProp);
    const name = engineName(engine);
    const where = `${describe(r)} sets ${key} to "${version}"`;
    const evaluation = `${key} evaluates to "${version}", engine to "${engine}"`;

    if (verdict.kind === 'newer') {
      const catalogue = engineCatalogue(engine)!;
      const newest = verdict.known.length
        ? `the newest ${verdict.major}.x it lists is ${verdict.known[verdict.known.length - 1]}`
        : `it lists no ${name} ${verdict.major}.x versions`;
      ctx.report({
        resource: r,
        loc: versionProp.value.loc,
        severity: 'low',
        message: `${where}, which is not in the ${name} catalogue of ${catalogue.date} (${newest}): check that AWS offers it in your region`,
        evaluation,
      });
      return;
    }

    // Choices: the newest offered minors of the same major, newest first.
    // One choice per minor, newest first: the plain form where there is one (15.13, not 15.13-limitless or 13.23-rds.x).
    const byBase = new Map<string, string>();
    for (const v of verdict.offered) {
      const base = v.replace(/-.*$/, '');
      if (!byBase.has(base) || v === base) byBase.set(base, v);
    }
    const choices = [...byBase.values()]
      .filter((v) => !v.includes('limitless'))
      .reverse()
      .slice(0, 3);
    const literal = deref(versionProp.value, ctx.program);
    const fixes: Fix[] =
      literal && (literal.kind === 'string' || literal.kind === 'number')
        ? choices.map((v) => ({
            title: `Use ${name} ${v}`,
            intents: [{ kind: 'replaceValue', value: literal, with: { kind: 'literal', value: v } }],
            safe: false,
          }))
        : [];
    // Limitless Database versions (16.9-limitless) only serve Limitless clusters: listed only to one that asks for one.
    const listed = version.includes('limitless') ? verdict.offered : verdict.offered.filter((v) => !v.includes('limitless'));
    const offered = !listed.length
      ? ''
      : listed.length > 10
        ? `; the newest ${verdict.major}.x versions are ${listText(listed.slice(-10), 10, 'and')}`
        : `; the ${verdict.major}.x versions are ${listText(listed, 10, 'and')}`;
    let message: string;
    if (verdict.kind === 'deprecated') {
      message = `${where}, ${article(name)} version AWS no longer offers for new databases${offered || `; AWS offers no ${verdict.major}.x versions any more`}`;
    } else if (verdict.why === 'major') {
      const majors = [
        ...new Set(
          engineCatalogue(engine)!
            .all.filter((v) => engineCatalogue(engine)!.offered.has(v))
            .map((v) => majorOf(engine, v)),
        ),
      ]
        .filter((m): m is string => m !== undefined)
        .sort(compareVersions);
      message = `${where}, which is not ${article(name)} version; the major versions AWS offers are ${listText(majors, 12)}`;
    } else {
      message = `${where}, which is not ${article(name)} version${verdict.why === 'older' ? ` (older than any ${verdict.major}.x AWS lists)` : ''}${offered}`;
    }
    const related =
      literal && literal.loc.file === versionProp.value.loc.file && literal.loc.start !== versionProp.value.loc.start
        ? [{ loc: literal.loc, message: `"${version}" is written here` }]
        : undefined;
    ctx.report({ resource: r, loc: versionProp.value.loc, message, evaluation, fixes, related });
  },
});

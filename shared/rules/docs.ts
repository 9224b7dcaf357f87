import type { RuleMeta } from '../engine/rule';

export const DOCS_BASE = 'https://github.com/faultline-dev/faultline/blob/main/docs/rules';

export function ruleUrl(id: string): string {
  return `${DOCS_BASE}/${id}.md`;
}

const LANG: Record<string, string> = { terraform: 'Terraform', typescript: 'Pulumi TypeScript/JavaScript', python: 'Pulumi Python' };

/** A rule's page in Markdown (`faultline explain`, docs/rules/<id>.md); `examples` are appended by the docs generator. */
export function rulePage(meta: RuleMeta, examples = ''): string {
  const eq = meta.equivalents;
  const equivalents = eq
    ? [
        eq.checkov?.length ? `Checkov ${eq.checkov.join(', ')}` : '',
        eq.tfsec?.length ? `tfsec ${eq.tfsec.join(', ')}` : '',
        eq.trivy?.length ? `Trivy ${eq.trivy.join(', ')}` : '',
        eq.kics?.length ? `KICS ${eq.kics.join(', ')}` : '',
      ].filter(Boolean)
    : [];
  return [
    `# ${meta.id}: ${meta.title}`,
    '',
    `| severity | category | profiles | languages |`,
    `|---|---|---|---|`,
    `| ${meta.severity} | ${meta.category} | ${meta.profiles === 'all' ? 'all' : meta.profiles.join(', ')} | ${meta.languages.map((l) => LANG[l]).join(', ')} |`,
    '',
    '## Why it fails',
    '',
    meta.impact,
    '',
    '## How to fix',
    '',
    meta.fix,
    ...(meta.links.length ? ['', '## Links', '', ...meta.links.map((l) => `- ${l}`)] : []),
    ...(equivalents.length
      ? [
          '',
          '## Equivalents in other scanners',
          '',
          ...equivalents.map((e) => `- ${e}`),
          '',
          'Their suppression comments are honoured for this rule.',
        ]
      : []),
    '',
    '## Suppressing',
    '',
    `\`faultline:ignore:${meta.id} -- reason\` in a comment on the line above the resource or property, or at the end of the line; \`faultline:ignore-file:${meta.id}\` near the top of the file. Add \`:exp:YYYY-MM-DD\` after the id to make it expire.`,
    examples,
  ].join('\n');
}

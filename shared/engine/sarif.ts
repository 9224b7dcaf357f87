import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AuditResult } from './audit';
import { fingerprints } from './fingerprint';
import type { RuleMeta, Severity } from './rule';
import type { Loc, TextEdit } from '../model/types';
import { allRules } from '../rules';
import { ruleUrl } from '../rules/docs';
import { VERSION } from './version';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
/** GitHub code scanning reads `security-severity` (0-10) to rank security alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

const region = (r: Loc['range'] | TextEdit['range']): Record<string, number> => ({
  startLine: r.start.line + 1,
  startColumn: r.start.character + 1,
  endLine: r.end.line + 1,
  endColumn: r.end.character + 1,
});

function descriptor(m: RuleMeta): unknown {
  return {
    id: m.id,
    name: m.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: m.title },
    fullDescription: { text: m.impact },
    help: {
      text: `${m.impact}\n\nHow to fix: ${m.fix}`,
      markdown: `${m.impact}\n\n**How to fix:** ${m.fix}\n\n[Rule documentation](${ruleUrl(m.id)})`,
    },
    helpUri: ruleUrl(m.id),
    defaultConfiguration: { level: LEVEL[m.severity] },
    properties: {
      tags: [...new Set([m.category, 'iac', ...m.languages])],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[m.severity],
      profiles: m.profiles,
    },
  };
}

/** SARIF 2.1.0 for an audit: one reportingDescriptor per rule, results with locations, fixes and fingerprints. */
export function toSarif(result: AuditResult, root = process.cwd()): unknown {
  const rel = (f: string): string => path.relative(root, f).split(path.sep).join('/');
  const index = new Map(allRules.map((r, i) => [r.meta.id, i]));
  const fps = fingerprints(result.findings, root, (f) => result.texts.get(f));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'faultline',
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: 'https://github.com/faultline-dev/faultline',
            rules: allRules.map((r) => descriptor(r.meta)),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(root + path.sep).href } },
        results: result.findings.map((f, i) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId) ?? -1,
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: rel(f.loc.file), uriBaseId: 'SRCROOT' }, region: region(f.loc.range) },
              ...(f.resource ? { logicalLocations: [{ name: f.resource.name, fullyQualifiedName: f.resource.id, kind: 'resource' }] } : {}),
            },
          ],
          ...(f.related?.length
            ? {
                relatedLocations: f.related.map((r, id) => ({
                  id,
                  message: { text: r.message },
                  physicalLocation: { artifactLocation: { uri: rel(r.loc.file), uriBaseId: 'SRCROOT' }, region: region(r.loc.range) },
                })),
              }
            : {}),
          partialFingerprints: { 'faultline/v1': fps[i] },
          properties: { severity: f.severity, ...(f.profile ? { profile: f.profile.name } : {}) },
          ...(() => {
            const fixes = f.fixes;
            return fixes.length
              ? {
                  fixes: fixes.map((fx) => ({
                    description: { text: fx.title },
                    artifactChanges: groupByFile(fx.edits).map(([file, edits]) => ({
                      artifactLocation: { uri: rel(file), uriBaseId: 'SRCROOT' },
                      replacements: edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
                    })),
                  })),
                }
              : {};
          })(),
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}

function groupByFile(edits: TextEdit[]): [string, TextEdit[]][] {
  const m = new Map<string, TextEdit[]>();
  for (const e of edits) m.set(e.file, [...(m.get(e.file) ?? []), e]);
  return [...m.entries()];
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../shared/rules';
import type { FaultlineConfig } from '../../shared/engine/config';
import type { Profile } from '../../shared/engine/rule';
import { analyzeText, applyFix, formatFindings, initEngine } from '../helpers/analyze';

/**
 * Every rule has fixtures test/fixtures/rules/<id>/{bad,good}.{tf,ts,py[,js]}: bad ones must raise the rule, good
 * ones (which include values the engine cannot know) must not. A fixture may declare its profile in a first-line
 * comment `faultline-test-profile: ephemeral`, and faultline.json settings in a comment on its first line
 * `faultline-test-config: {"requiredTags": ["Owner"]}`. A Pulumi fixture may give its project files in comments:
 * `faultline-test-project: {"name": "webshop"}` (Pulumi.yaml) and `faultline-test-stacks: {"dev": {"multiAz": "false"}}`
 * (each stack's `config:`). Every fix is applied, the file parsed again and the finding is gone.
 */
const FIXTURES = path.join(__dirname, '../fixtures/rules');
const SNAPSHOTS = path.join(__dirname, '__snapshots__');
const ENGINE_ONLY = new Set(['suppression-unused', 'config-invalid', 'internal-error', 'analysis-timeout']);
const EXT = { terraform: ['tf'], typescript: ['ts'], python: ['py'] } as const;

function profileOf(text: string): Profile {
  return /faultline-test-profile:\s*ephemeral/.test(text) ? 'ephemeral' : 'production';
}

function configOf(text: string): FaultlineConfig | undefined {
  const m = /faultline-test-config:\s*(\{.*\})\s*$/m.exec(text.split('\n', 1)[0]!);
  return m ? (JSON.parse(m[1]!) as FaultlineConfig) : undefined;
}

beforeAll(() => initEngine());

describe.each(allRules.filter((r) => !ENGINE_ONLY.has(r.meta.id)).map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  const dir = path.join(FIXTURES, id);
  // Only bad* and good* files are fixtures; folders beside them hold what fixtures refer to (missing-local-file).
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => /^(bad|good)/.test(f) && fs.statSync(path.join(dir, f)).isFile())
        .sort()
    : [];

  it('has bad and good fixtures in every language it claims', () => {
    for (const lang of rule.meta.languages) {
      for (const kind of ['bad', 'good']) {
        expect(
          files.some((f) => f.startsWith(`${kind}`) && EXT[lang].some((e) => f.endsWith(`.${e}`))),
          `${kind} ${lang} fixture`,
        ).toBe(true);
      }
    }
    if (rule.meta.languages.length === 2) {
      expect(
        files.some((f) => f.startsWith('bad') && f.endsWith('.js')),
        'bad JavaScript fixture for a Pulumi rule',
      ).toBe(true);
    }
  });

  for (const file of files) {
    const full = path.join(dir, file);
    const text = fs.readFileSync(full, 'utf8');
    const profile = profileOf(text);
    const config = configOf(text);
    it(`${file}`, async () => {
      const { program, findings } = analyzeText(full, text, { profile, config });
      const mine = findings.filter((f) => f.ruleId === id);
      if (file.startsWith('good')) {
        expect(formatFindings(mine)).toBe('');
        if (id !== 'parse-error') expect(findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
        return;
      }
      expect(mine.length, 'the bad fixture raises the rule').toBeGreaterThan(0);
      await expect(formatFindings(mine).replaceAll(full, file) + '\n').toMatchFileSnapshot(path.join(SNAPSHOTS, id, `${file}.snap`));
      for (const f of mine) {
        for (let i = 0; i < (f.fixes?.length ?? 0); i++) {
          const fixed = applyFix(program, f, i);
          expect(fixed, `fix "${f.fixes![i]!.title}" renders`).toBeDefined();
          const again = analyzeText(full, fixed!, { profile, config });
          expect(
            again.findings.filter((g) => g.ruleId === 'parse-error'),
            `after "${f.fixes![i]!.title}" the file parses`,
          ).toEqual([]);
          expect(
            again.findings.filter((g) => g.ruleId === id && g.message === f.message),
            `after "${f.fixes![i]!.title}" the finding is gone`,
          ).toEqual([]);
        }
      }
    });
  }
});

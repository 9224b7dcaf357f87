// Generates docs/rules/<id>.md (with the fixtures as examples) and the README rule table from the rules' metadata.
// `--check` fails when the committed files are stale (CI runs it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules } from '../shared/rules';
import { rulePage } from '../shared/rules/docs';

const root = path.resolve(__dirname, '..');
const check = process.argv.includes('--check');
const FENCE: Record<string, string> = { tf: 'hcl', ts: 'typescript', js: 'javascript', py: 'python' };
const LANG_NAME: Record<string, string> = { tf: 'Terraform', ts: 'TypeScript', js: 'JavaScript', py: 'Python' };

function examples(id: string): string {
  const dir = path.join(root, 'test/fixtures/rules', id);
  if (!fs.existsSync(dir)) return '';
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^(bad|good)\.(tf|ts|js|py)$/.test(f))
    .sort((a, b) => (a.startsWith('bad') === b.startsWith('bad') ? a.localeCompare(b) : a.startsWith('bad') ? -1 : 1));
  if (!files.length) return '';
  const parts = ['', '## Examples', ''];
  for (const f of files) {
    const ext = f.split('.').pop()!;
    const text = fs.readFileSync(path.join(dir, f), 'utf8').trimEnd();
    parts.push(`### ${f.startsWith('bad') ? 'Fails' : 'Passes'}: ${LANG_NAME[ext]}`, '', '```' + FENCE[ext], text, '```', '');
  }
  return parts.join('\n');
}

const stale: string[] = [];
function write(file: string, content: string): void {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current === content) return;
  if (check) stale.push(path.relative(root, file));
  else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

for (const r of allRules) write(path.join(root, 'docs/rules', `${r.meta.id}.md`), rulePage(r.meta, examples(r.meta.id)).trimEnd() + '\n');

const table = [
  '| rule | severity | category | profiles | languages | what it finds |',
  '|---|---|---|---|---|---|',
  ...allRules.map((r) => {
    const m = r.meta;
    const langs = m.languages.map((l) => ({ terraform: 'tf', typescript: 'ts/js', python: 'py' })[l]).join(', ');
    return `| [\`${m.id}\`](docs/rules/${m.id}.md) | ${m.severity} | ${m.category} | ${m.profiles === 'all' ? 'all' : m.profiles.join(', ')} | ${langs} | ${m.title} |`;
  }),
].join('\n');
const readmePath = path.join(root, 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const begin = '<!-- rules:begin -->';
const end = '<!-- rules:end -->';
const i = readme.indexOf(begin);
const j = readme.indexOf(end);
if (i < 0 || j < 0) throw new Error('README.md lacks the rules markers');
write(readmePath, readme.slice(0, i + begin.length) + '\n' + table + '\n' + readme.slice(j));

if (stale.length) {
  process.stderr.write(`generated docs are stale; run npm run gen:\n  ${stale.join('\n  ')}\n`);
  process.exit(1);
}

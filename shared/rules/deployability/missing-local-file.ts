import * as path from 'node:path';
import { evaluate, getProperty, walkValues } from '../../model/evaluate';
import type { Program } from '../../model/program';
import type { Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { pathExists } from '../../engine/workspace';
import { describe } from '../util';

/** Functions and asset classes whose first argument is a local path, and what they expect there. */
const READERS: Record<string, string> = {
  file: 'file',
  filebase64: 'file',
  templatefile: 'file',
  filemd5: 'file',
  filesha1: 'file',
  filesha256: 'file',
  filesha512: 'file',
  filebase64sha256: 'file',
  filebase64sha512: 'file',
  'pulumi.FileAsset': 'file',
  'pulumi.FileArchive': 'file or folder',
};

/** The directory relative paths are read from: the module (Terraform) or the project (Pulumi runs there). */
function baseDir(program: Program): string {
  return program.kind === 'file' && path.extname(program.root) ? path.dirname(program.root) : program.root;
}

/** The path a value names, with `path.module`, `path.root` and `__dirname` resolved; undefined when any part is unknown. */
function localPath(v: Value, program: Program, base: string): string | undefined {
  const parts = v.kind === 'template' ? v.parts : [v];
  let out = '';
  for (const p of parts) {
    if (p.kind === 'ref' && p.ref.kind === 'path') {
      out += p.ref.name === 'dirname' ? path.dirname(p.loc.file) : base;
      continue;
    }
    const e = evaluate(p, program);
    if (e.state !== 'known' || typeof e.value !== 'string') return undefined;
    out += e.value;
  }
  return path.resolve(base, out);
}

export default defineRule({
  meta: {
    id: 'missing-local-file',
    title: 'Local file that does not exist',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      '`file()`, `templatefile()` and archive sources are read when the plan is made, Pulumi assets when the program runs: a path that does not exist (a renamed folder, a build output not built, a path relative to the wrong directory) stops the deploy with "no file exists at ..." before anything is created.',
    fix: 'Correct the path (Terraform: relative to `path.module`; Pulumi: relative to the project folder, where the program runs), or build the artefact before deploying.',
    links: [
      'https://developer.hashicorp.com/terraform/language/functions/file',
      'https://www.pulumi.com/docs/iac/concepts/assets-archives/',
    ],
  },
  program(ctx) {
    const base = baseDir(ctx.program);
    const check = (r: Resource, v: Value, what: string, role: string): void => {
      const p = localPath(v, ctx.program, base);
      if (p === undefined || pathExists(p)) return;
      ctx.report({
        resource: r,
        loc: v.loc,
        message: `${describe(r)} ${role} ${path.relative(base, p) || '.'}, but no ${what} exists there (relative to ${ctx.program.kind === 'terraform-module' ? 'the module' : 'the project'}): the deploy stops before it starts`,
      });
    };
    for (const r of ctx.program.resources) {
      if (r.type === 'archive_file') {
        for (const key of ['source_file', 'source_dir']) {
          const v = getProperty(r, key)?.value;
          if (v) check(r, v, key === 'source_dir' ? 'folder' : 'file', `archives ${key === 'source_dir' ? 'the folder' : 'the file'}`);
        }
      }
      for (const v of walkValues(r.props)) {
        if (v.kind !== 'call' || !(v.name in READERS) || !v.args[0]) continue;
        check(r, v.args[0], READERS[v.name]!, `reads ${v.name.startsWith('pulumi.') ? `a ${v.name.slice(7)} from` : `${v.name}()`}`);
      }
    }
  },
});

import { walkValues } from '../../model/evaluate';
import { PULUMI_LANGUAGES, defineRule } from '../../engine/rule';
import { isOutput } from '../util';

const HOW: Record<string, string> = {
  template: 'a template literal',
  concat: 'string concatenation',
  String: 'String()',
  'JSON.stringify': 'JSON.stringify()',
  toString: 'toString()',
  'f-string': 'an f-string',
  str: 'str()',
  format: 'str.format()',
  'json.dumps': 'json.dumps()',
};

export default defineRule({
  meta: {
    id: 'pulumi-output-in-string',
    title: 'Pulumi Output turned into a string',
    category: 'pulumi',
    severity: 'high',
    profiles: 'all',
    languages: PULUMI_LANGUAGES,
    impact:
      'An Output is not a string: formatting it yields a warning text ("Calling [toString] on an [Output<T>] is not supported") that is deployed in place of the value, in names, policies and connection strings.',
    fix: 'Build the string as an Output: `pulumi.interpolate` or `pulumi.concat` in TypeScript, `pulumi.Output.concat` / `Output.format` / `Output.json_dumps` in Python, or work inside `.apply`.',
    links: ['https://www.pulumi.com/docs/iac/concepts/inputs-outputs/#outputs-and-strings'],
  },
  program(ctx) {
    for (const file of ctx.program.files) {
      // Program rules run on every program; Terraform interpolation of resource attributes is how HCL works.
      if (file.language === 'terraform') continue;
      for (const build of file.stringBuilds) {
        // A JSON document holds its Outputs anywhere inside the object, not only at the top.
        const parts =
          build.kind === 'JSON.stringify' || build.kind === 'json.dumps' ? build.parts.flatMap((p) => walkValues(p)) : build.parts;
        const out = parts.find((p) => isOutput(p));
        if (!out) continue;
        const safe = build.kind === 'template' || build.kind === 'f-string' || build.kind === 'concat';
        const what = out.kind === 'ref' ? `\`${out.ref.text}\`` : 'an Output';
        ctx.report({
          loc: build.loc,
          message: `${what} is an Output used in ${HOW[build.kind] ?? 'a string'}: the result is a warning text, not its value`,
          related: [{ loc: out.loc, message: 'this value is an Output' }],
          fixes: safe
            ? [
                {
                  title: file.language === 'python' ? 'Build it with pulumi.Output.concat' : 'Build it with pulumi.interpolate',
                  intents: [{ kind: 'wrapOutputString', build }],
                  safe: true,
                },
              ]
            : [],
        });
      }
    }
  },
});

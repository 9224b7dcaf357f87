import { PULUMI_LANGUAGES, defineRule } from '../../engine/rule';

export default defineRule({
  meta: {
    id: 'pulumi-component-outputs-unregistered',
    title: 'Component resource never registers its outputs',
    category: 'pulumi',
    severity: 'low',
    profiles: 'all',
    languages: PULUMI_LANGUAGES,
    impact:
      'Until `registerOutputs` is called the component stays "creating": the CLI shows it as in progress, its outputs are missing from the state and hooks waiting on its completion never fire.',
    fix: 'End the constructor with `this.registerOutputs({...})` (TypeScript) or `self.register_outputs({...})` (Python), passing the outputs the component exposes (an empty object is enough).',
    links: ['https://www.pulumi.com/docs/iac/concepts/resources/components/#registering-component-outputs'],
  },
  program(ctx) {
    for (const file of ctx.program.files) {
      if (file.language === 'terraform' || !file.pulumi?.isPulumi) continue;
      const call = file.language === 'python' ? 'self.register_outputs(...)' : 'this.registerOutputs(...)';
      for (const c of file.pulumi.components) {
        if (c.registersOutputs) continue;
        // No fix: there is no intent that inserts a statement into a constructor.
        ctx.report({
          loc: c.loc,
          message: `Component resource ${c.name} never calls ${call}: it stays in the "creating" state and its outputs are not recorded`,
          fixes: [
            {
              title: `End the constructor with ${call.replace('...', '{}')}`,
              intents: [{ kind: 'registerOutputs', component: c.loc }],
              safe: true,
            },
          ],
        });
      }
    }
  },
});

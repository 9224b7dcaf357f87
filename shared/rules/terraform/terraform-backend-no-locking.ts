import { evalBool, getProperty } from '../../model/evaluate';
import { defineRule } from '../../engine/rule';

export default defineRule({
  meta: {
    id: 'terraform-backend-no-locking',
    title: 'S3 backend without state locking',
    category: 'terraform',
    severity: 'medium',
    profiles: 'all',
    languages: ['terraform'],
    impact:
      'Without a lock, two `apply` runs at once (two engineers, or CI and an engineer) both read the same state and both write it back: the last write wins, resources the other run created are forgotten by Terraform and the next plan tries to create them again.',
    fix: 'Set `use_lockfile = true` (S3-native locking, Terraform 1.10 and later), or `dynamodb_table` on older versions.',
    links: [
      'https://developer.hashicorp.com/terraform/language/backend/s3#state-locking',
      'https://developer.hashicorp.com/terraform/language/state/locking',
    ],
  },
  program(ctx) {
    for (const f of ctx.program.files) {
      for (const b of f.terraform?.backends ?? []) {
        if (b.type !== 's3') continue;
        // A block without `bucket` is a partial configuration: the rest, locking included, comes from -backend-config.
        if (!getProperty(b.props, 'bucket')) continue;
        const lockfile = evalBool(getProperty(b.props, 'use_lockfile')?.value, ctx.program);
        if (lockfile === true || lockfile === undefined || getProperty(b.props, 'dynamodb_table')) continue;
        ctx.report({
          loc: b.loc,
          message: `the S3 backend sets ${lockfile === false ? 'use_lockfile = false' : 'neither use_lockfile nor dynamodb_table'}: two runs at once can both write the state and one loses its changes`,
          fixes: [
            {
              title: 'Set use_lockfile = true',
              intents: [{ kind: 'setProperty', target: b.props, key: 'use_lockfile', value: { kind: 'literal', value: true } }],
              safe: true,
            },
          ],
        });
      }
    }
  },
});

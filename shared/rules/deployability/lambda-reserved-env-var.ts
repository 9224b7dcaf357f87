import { asObject, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { reservedLambdaEnvVars } from '../../knowledge/facts';
import { describe } from '../util';

export default defineRule({
  meta: {
    id: 'lambda-reserved-env-var',
    title: 'Lambda environment variable with a reserved key',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'Lambda sets these variables itself and rejects a function that sets them ("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys"): the deploy fails.',
    fix: 'Remove the variable: the runtime provides it (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME...); credentials come from the execution role, never from variables.',
    links: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime'],
  },
  resourceTypes: ['aws_lambda_function'],
  resource(r, ctx) {
    const vars = asObject(getProperty(r, 'environment.variables')?.value, ctx.program);
    if (!vars) return;
    const reserved = reservedLambdaEnvVars();
    for (const p of vars.props) {
      if (!reserved.has(p.key)) continue;
      const credential = /KEY|TOKEN/.test(p.key);
      ctx.report({
        resource: r,
        loc: p.keyLoc,
        message: `Lambda function ${describe(r)} sets the environment variable ${p.keyAsWritten}, which Lambda reserves${credential ? ': the function gets credentials from its execution role' : ': the runtime sets it'}`,
        fixes: [{ title: `Remove ${p.keyAsWritten}`, intents: [{ kind: 'removeProperty', property: p }], safe: true }],
      });
    }
  },
});

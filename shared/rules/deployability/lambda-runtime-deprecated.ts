import { deref, evalString, getProperty } from '../../model/evaluate';
import type { Fix } from '../../engine/rule';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { lambdaRuntimeLifecycle, lambdaRuntimesSource, lambdaRuntimeSuccessor } from '../../knowledge/facts';
import { describe, keyName } from '../util';

export default defineRule({
  meta: {
    id: 'lambda-runtime-deprecated',
    title: 'Lambda runtime AWS has deprecated',
    category: 'deployability',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'A deprecated runtime gets no security patches; some time after deprecation Lambda blocks creating functions with it (a new stack fails) and then updating them (every deploy that changes the function fails).',
    fix: 'Move to the newest runtime of the same language (nodejs24.x, python3.14, java25, dotnet10, ruby4.0, provided.al2023) and test the code on it.',
    links: [
      'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated',
      'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtime-deprecation-levels',
    ],
    tags: ['deprecated'],
  },
  resourceTypes: ['aws_lambda_function'],
  resource(r, ctx) {
    const prop = getProperty(r, 'runtime');
    const runtime = evalString(prop?.value, ctx.program);
    if (!prop || runtime === undefined) return;
    const lc = lambdaRuntimeLifecycle(runtime);
    if (!lc?.deprecated || lc.deprecated > ctx.today) return;
    const key = keyName(r, 'runtime', prop);
    const today = ctx.today;
    const createBlocked = lc.blockCreate !== null && lc.blockCreate <= today;
    const updateBlocked = lc.blockUpdate !== null && lc.blockUpdate <= today;
    let consequence: string;
    if (createBlocked && updateBlocked)
      consequence = `Lambda has blocked creating functions with it since ${lc.blockCreate} and updating them since ${lc.blockUpdate}`;
    else if (createBlocked)
      consequence = `Lambda has blocked creating functions with it since ${lc.blockCreate}${lc.blockUpdate ? ` and blocks updates from ${lc.blockUpdate}` : ''}`;
    else if (updateBlocked) consequence = `Lambda has blocked updating functions with it since ${lc.blockUpdate}`;
    else if (lc.blockCreate || lc.blockUpdate)
      consequence = `Lambda blocks ${[lc.blockCreate && `creating functions with it from ${lc.blockCreate}`, lc.blockUpdate && `updating them from ${lc.blockUpdate}`].filter(Boolean).join(' and ')}`;
    else consequence = 'it gets no security patches';
    const successor = lambdaRuntimeSuccessor(runtime, today);
    const language = (rt: string): string => rt.replace(/(core)?[\d.].*$/, '');
    const successorText = !successor
      ? ''
      : language(successor) === language(runtime)
        ? `; the current ${language(runtime)} runtime is ${successor}`
        : `; AWS names ${successor} as its successor`;
    const literal = deref(prop.value, ctx.program);
    const fixes: Fix[] =
      successor && literal?.kind === 'string'
        ? [
            {
              title: `Use ${successor}`,
              intents: [{ kind: 'replaceValue', value: literal, with: { kind: 'literal', value: successor } }],
              safe: false,
            },
          ]
        : [];
    ctx.report({
      resource: r,
      loc: prop.value.loc,
      severity: createBlocked || updateBlocked ? 'high' : 'medium',
      message: `Lambda function ${describe(r)} uses ${key} ${runtime}, deprecated since ${lc.deprecated}: ${consequence}${successorText}`,
      evaluation: `${key} evaluates to "${runtime}" (runtime dates as of ${lambdaRuntimesSource().retrieved})`,
      fixes,
    });
  },
});

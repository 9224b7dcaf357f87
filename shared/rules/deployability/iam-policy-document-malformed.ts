import type { Loc } from '../../model/types';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe } from '../util';
import { POLICY_PROPS, UNKNOWN, docLocs, partialDocs, policyDocuments, type Doc } from '../policy-document';

const TOP_KEYS = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const VERSIONS = ['2012-10-17', '2008-10-17'];

type Obj = { [k: string]: Doc };
const isObj = (d: Doc | undefined): d is Obj => !!d && d !== UNKNOWN && typeof d === 'object' && !Array.isArray(d);

/** Keys that differ from an IAM element name only by case (`statement`, `effect`): IAM matches them exactly. */
function miscased(o: Obj, known: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const k of Object.keys(o)) {
    const want = known.find((n) => n.toLowerCase() === k.toLowerCase());
    if (want && want !== k) out.push([k, want]);
  }
  return out;
}

/** What is wrong with a parsed document, as short phrases. */
type Problem = { text: string; node?: object; consequence?: string };
export function problems(doc: Doc): Problem[] {
  if (doc === UNKNOWN) return [];
  if (!isObj(doc)) return [{ text: 'is not a JSON object' }];
  const out: Problem[] = [];
  const partial = partialDocs.has(doc);
  for (const [k, want] of miscased(doc, TOP_KEYS)) out.push({ text: `spells "${want}" as "${k}" (element names are case-sensitive)` });
  if (Object.keys(doc).length === 0 && !partial)
    return [{ text: 'is an empty JSON object (a policy needs "Version" and a "Statement" list)' }];
  const version = doc['Version'];
  if (version === undefined && !partial && !('version' in doc))
    out.push({
      text: 'has no "Version"',
      consequence:
        'IAM then reads it with the 2008-10-17 grammar, where policy variables such as ${aws:username} are plain text and some services reject it; write "Version": "2012-10-17"',
    });
  else if (typeof version === 'string' && !VERSIONS.includes(version))
    out.push({ text: `has "Version" "${version}", which is not "2012-10-17" or "2008-10-17"` });
  const st = doc['Statement'];
  if (st === undefined) {
    if (!partial && !('statement' in doc)) out.push({ text: 'has no "Statement"' });
    return out;
  }
  if (st === UNKNOWN) return out;
  if (!isObj(st) && !Array.isArray(st)) return [...out, { text: '"Statement" is neither an object nor a list of objects' }];
  if (Array.isArray(st) && st.length === 0) return [...out, { text: 'has an empty "Statement" list' }];
  const list = Array.isArray(st) ? st : [st];
  list.forEach((s, i) => {
    if (s === UNKNOWN) return;
    const name = isObj(s) && typeof s['Sid'] === 'string' ? `statement "${s['Sid']}"` : `statement ${i + 1}`;
    if (!isObj(s)) {
      out.push({ text: `${name} is not an object` });
      return;
    }
    const sPartial = partialDocs.has(s);
    for (const [k, want] of miscased(s, STATEMENT_KEYS))
      out.push({ text: `${name} spells "${want}" as "${k}" (element names are case-sensitive)`, node: s });
    const effect = s['Effect'];
    if (effect === undefined) {
      if (!sPartial && !('effect' in s)) out.push({ text: `${name} has no "Effect"`, node: s });
    } else if (effect !== UNKNOWN && effect !== 'Allow' && effect !== 'Deny') {
      out.push({ text: `${name} has "Effect" ${JSON.stringify(effect)} (only "Allow" and "Deny" exist)`, node: s });
    }
    const hasAction = ['Action', 'NotAction', 'action', 'notaction', 'notAction'].some((k) => k in s);
    if (!hasAction && !sPartial) out.push({ text: `${name} has neither "Action" nor "NotAction"`, node: s });
  });
  return out;
}

export default defineRule({
  meta: {
    id: 'iam-policy-document-malformed',
    title: 'Malformed IAM policy document',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'IAM, S3, SQS, SNS and KMS reject a policy that is not valid JSON or breaks the policy grammar (no Statement, an Effect other than Allow/Deny, a statement without Action): the deploy fails with MalformedPolicyDocument after the resources before it were created.',
    fix: 'Build the document with jsonencode() / JSON.stringify() / json.dumps() or a policy-document data source instead of a hand-written string, with "Version": "2012-10-17" and statements that each have an Effect of "Allow" or "Deny" and an Action.',
    links: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html',
    ],
  },
  resourceTypes: Object.keys(POLICY_PROPS),
  resource(r, ctx) {
    for (const d of policyDocuments(r, ctx.program)) {
      const where = `the ${d.key} of ${describe(r)}`;
      if (d.parseError) {
        ctx.report({ resource: r, loc: d.loc, message: `${where} is not valid JSON (${d.parseError}): the policy is rejected` });
        continue;
      }
      if (d.doc === undefined) continue;
      for (const p of problems(d.doc)) {
        const loc: Loc = (p.node && docLocs.get(p.node)) || d.loc;
        ctx.report({ resource: r, loc, message: `${where} ${p.text}: ${p.consequence ?? 'the policy is rejected as malformed'}` });
      }
    }
  },
});

import type { ObjectValue } from '../../model/types';
import type { SchemaAttr } from '../../knowledge/schema';

/**
 * Pulumi invokes whose arguments are lowered as a data source of the model, the way Terraform's `data` blocks are:
 * a policy document built with `aws.iam.getPolicyDocument` is checked like `data "aws_iam_policy_document"`.
 */
export const LOWERED_INVOKES: Record<string, string> = {
  'aws.iam.getPolicyDocument': 'aws_iam_policy_document',
};

/** Pulumi pluralises repeated blocks (`statements`, `conditions`): their keys become the data source's (`statement`). */
export function alignKeys(obj: ObjectValue, attrs: Record<string, SchemaAttr> | undefined, depth = 0): void {
  if (!attrs || depth > 16) return;
  for (const p of obj.props) {
    if (!Object.hasOwn(attrs, p.key)) {
      const one = p.key.endsWith('ies') ? `${p.key.slice(0, -3)}y` : p.key.endsWith('s') ? p.key.slice(0, -1) : p.key;
      if (Object.hasOwn(attrs, one)) p.key = one;
    }
    const nested = Object.hasOwn(attrs, p.key) ? attrs[p.key]!.b : undefined;
    if (!nested) continue;
    const items = p.value.kind === 'object' ? [p.value] : p.value.kind === 'list' ? p.value.items : [];
    for (const item of items) if (item.kind === 'object') alignKeys(item, nested, depth + 1);
  }
}

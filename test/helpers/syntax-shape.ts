import type { SyntaxNode } from '../../shared/frontends/syntax-tree';

/** A copied tree as text, node per line: depth, type, named/missing/error marks, field, range. */
export function syntaxShape(root: SyntaxNode | undefined): string {
  if (!root) return 'no tree';
  const out: string[] = [];
  const stack: [SyntaxNode, number][] = [[root, 0]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    out.push(
      `${d} ${n.type} ${n.isNamed ? 'n' : ''}${n.isMissing ? '!' : ''}${n.hasError ? '?' : ''} ${n.fieldName ?? ''} ${n.startIndex}-${n.endIndex}`,
    );
    for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i]!, d + 1]);
  }
  return out.join('\n');
}

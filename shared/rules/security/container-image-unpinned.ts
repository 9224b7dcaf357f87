import { deref, evalString, getProperty } from '../../model/evaluate';
import type { ObjectValue, Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe } from '../util';

interface Image {
  /** The image reference, or its known tail when the repository part is unknown. */
  text: string;
  value: Value;
  /** The whole reference is known (the registry can be told). */
  complete: boolean;
  container?: string;
}

/** The container definition objects inside `container_definitions` (jsonencode / JSON.stringify / json.dumps or a JSON string). */
function containers(
  v: Value | undefined,
  ctx: RuleContext,
): { obj?: ObjectValue; json?: Record<string, unknown>; at: Value }[] | undefined {
  const d = deref(v, ctx.program);
  if (!d) return undefined;
  if (d.kind === 'call' && d.name === 'jsonencode' && d.args.length === 1) return containers(d.args[0], ctx);
  if (d.kind === 'list') {
    const out: { obj?: ObjectValue; at: Value }[] = [];
    for (const item of d.items) {
      const o = deref(item, ctx.program);
      if (o?.kind !== 'object') return undefined;
      out.push({ obj: o, at: o });
    }
    return out;
  }
  if (d.kind === 'string') {
    try {
      const parsed = JSON.parse(d.value) as unknown;
      if (!Array.isArray(parsed)) return undefined;
      return parsed.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object').map((json) => ({ json, at: d }));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function imageOf(c: { obj?: ObjectValue; json?: Record<string, unknown>; at: Value }, ctx: RuleContext): Image | undefined {
  if (c.json) {
    const image = c.json['image'];
    return typeof image === 'string'
      ? { text: image, value: c.at, complete: true, container: typeof c.json['name'] === 'string' ? c.json['name'] : undefined }
      : undefined;
  }
  const prop = getProperty(c.obj, 'image', ctx.program);
  if (!prop) return undefined;
  const container = evalString(getProperty(c.obj, 'name', ctx.program)?.value, ctx.program);
  const s = evalString(prop.value, ctx.program);
  if (s !== undefined) return { text: s, value: prop.value, complete: true, container };
  // `${repo.repository_url}:latest`: the tag is known even when the repository is not.
  const d = deref(prop.value, ctx.program);
  if (d?.kind === 'template' && d.parts.length > 1) {
    const last = deref(d.parts[d.parts.length - 1], ctx.program);
    if (last?.kind === 'string' && /^[^/]*:[\w][\w.-]*$/.test(last.value))
      return { text: last.value, value: prop.value, complete: false, container };
  }
  return undefined;
}

/** The tag of an image reference: undefined when there is none; 'digest' when pinned by digest. */
function tagOf(image: string): string | undefined {
  if (image.includes('@sha256:')) return 'digest';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : undefined;
}

function isDockerHub(image: string): boolean {
  const first = image.split('/')[0]!;
  if (!image.includes('/')) return true;
  return (
    !(first.includes('.') || first.includes(':') || first === 'localhost') || first === 'docker.io' || first === 'registry-1.docker.io'
  );
}

export default defineRule({
  meta: {
    id: 'container-image-unpinned',
    title: 'Container image without a pinned tag',
    category: 'security',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'An image without a tag, or tagged `latest`, changes under the service: a task restart or scale-out silently runs different code, and a rollback cannot return to what ran before. Docker Hub images are also subject to pull rate limits.',
    fix: 'Reference an immutable version tag or a digest (`image@sha256:...`); copy third-party images to ECR.',
    links: ['https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image'],
  },
  resourceTypes: ['aws_ecs_task_definition'],
  resource(r: Resource, ctx) {
    const list = containers(getProperty(r, 'container_definitions')?.value, ctx);
    if (!list) return;
    for (const c of list) {
      const image = imageOf(c, ctx);
      if (!image) continue;
      const tag = tagOf(image.text);
      const shown = image.complete ? `"${image.text}"` : `"<repository>${image.text}"`;
      const who = `container${image.container ? ` "${image.container}"` : ''} of task definition ${describe(r)}`;
      if (tag === undefined && image.complete) {
        ctx.report({
          resource: r,
          loc: image.value.loc,
          message: `${who} uses image ${shown} without a tag: it runs whatever "latest" is at the next deployment or restart`,
        });
      } else if (tag === 'latest') {
        ctx.report({
          resource: r,
          loc: image.value.loc,
          message: `${who} uses image ${shown}, tagged latest: it runs whatever "latest" is at the next deployment or restart`,
        });
      } else if (image.complete && ctx.profile === 'production' && isDockerHub(image.text)) {
        ctx.report({
          resource: r,
          severity: 'low',
          loc: image.value.loc,
          message: `${who} pulls "${image.text}" from Docker Hub: anonymous pulls are rate-limited, so a scale-out can fail to start tasks`,
        });
      }
    }
  },
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError as JsonParseError } from 'jsonc-parser';
import schema from '../../schemas/faultline.schema.json';
import { LineIndex } from '../model/text';
import type { Loc } from '../model/types';
import type { FaultlineConfig } from './config';

export const CONFIG_FILE = 'faultline.json';

export interface ConfigError {
  loc: Loc;
  message: string;
}

let validator: ReturnType<Ajv['compile']> | undefined;

/** Parses and validates faultline.json text; every error is located at the offending key or value. */
export function parseConfig(text: string, file: string): { config: FaultlineConfig | undefined; errors: ConfigError[] } {
  const lines = new LineIndex(text);
  const errors: ConfigError[] = [];
  // The JSON tree parser and the schema validator recurse: refuse absurd nesting before they overflow the stack.
  const deep = tooDeep(text);
  if (deep !== undefined)
    return {
      config: undefined,
      errors: [{ loc: lines.loc(file, deep, deep + 1), message: `invalid configuration: nested more than ${MAX_DEPTH} levels deep` }],
    };
  const parseErrors: JsonParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: false, disallowComments: true });
  for (const e of parseErrors.slice(0, 5)) {
    errors.push({ loc: lines.loc(file, e.offset, e.offset + e.length), message: `invalid JSON: ${printParseErrorCode(e.error)}` });
  }
  if (!root || errors.length) return { config: undefined, errors };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { config: undefined, errors: [{ loc: lines.loc(file, 0, 0), message: `invalid JSON: ${(e as Error).message}` }] };
  }
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (!validator(value)) {
    for (const err of validator.errors ?? []) {
      const segments = err.instancePath
        .split('/')
        .slice(1)
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      let node: Node | undefined = findNodeAtLocation(
        root,
        segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
      );
      let message = `${err.instancePath || 'the configuration'} ${err.message ?? 'is invalid'}`;
      if (err.keyword === 'additionalProperties') {
        const extra = (err.params as { additionalProperty: string }).additionalProperty;
        node = findNodeAtLocation(root, [...segments, extra])?.parent?.children?.[0] ?? node;
        message = `unknown key "${extra}"${err.instancePath ? ` in ${err.instancePath}` : ''}`;
      } else if (err.keyword === 'enum') {
        message = `${err.instancePath} must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
      }
      const n = node ?? root;
      errors.push({ loc: lines.loc(file, n.offset, n.offset + n.length), message });
    }
  }
  return { config: errors.length ? sanitize(value) : (value as FaultlineConfig), errors };
}

const MAX_DEPTH = 64;

/** The offset of the first bracket nested deeper than MAX_DEPTH (strings skipped), or undefined. */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92 /* \ */) i++;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return undefined;
}

/** With errors, keep only the well-formed parts so the rest of the configuration still applies. */
function sanitize(value: unknown): FaultlineConfig | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const out: FaultlineConfig = {};
  if (v.profile === 'auto' || v.profile === 'production' || v.profile === 'ephemeral') out.profile = v.profile;
  if (typeof v.rules === 'object' && v.rules && !Array.isArray(v.rules)) {
    out.rules = Object.fromEntries(
      Object.entries(v.rules).filter(([, s]) => ['critical', 'high', 'medium', 'low', 'off'].includes(s as string)),
    ) as FaultlineConfig['rules'];
  }
  if (Array.isArray(v.ignore)) out.ignore = v.ignore.filter((s): s is string => typeof s === 'string');
  if (Array.isArray(v.requiredTags)) out.requiredTags = v.requiredTags.filter((s): s is string => typeof s === 'string');
  return out;
}

export function loadConfigFile(file: string): { config: FaultlineConfig | undefined; errors: ConfigError[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { config: undefined, errors: [{ loc: new LineIndex('').loc(file, 0, 0), message: `cannot read: ${(e as Error).message}` }] };
  }
  if (text.length > 1024 * 1024)
    return {
      config: undefined,
      errors: [{ loc: new LineIndex('').loc(file, 0, 0), message: 'faultline.json is larger than 1 MB and was not read' }],
    };
  return parseConfig(text, file);
}

/** The faultline.json in `start` (a folder or file) or the nearest parent folder. */
export function findConfigFile(start: string): string | undefined {
  let dir = path.resolve(start);
  if (fs.existsSync(dir) && fs.statSync(dir).isFile()) dir = path.dirname(dir);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

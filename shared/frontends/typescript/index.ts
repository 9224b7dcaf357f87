import type { Frontend } from '../../model/types';
import { parseTypeScript } from './parse';
import { renderTypeScript } from './render';

export { parseTypeScript, renderTypeScript };

export const typescriptFrontend: Frontend = {
  language: ['typescript', 'javascript'],
  parse: parseTypeScript,
  render: renderTypeScript,
  commentPrefix: '//',
};

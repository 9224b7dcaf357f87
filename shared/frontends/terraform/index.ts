import type { Frontend } from '../../model/types';
import { parseTerraform } from './parse';
import { renderTerraform } from './render';

export { parseTerraform } from './parse';
export { renderTerraform } from './render';
export { buildTerraformProgram } from './module';

export const terraformFrontend: Frontend = { language: ['terraform'], parse: parseTerraform, render: renderTerraform, commentPrefix: '#' };

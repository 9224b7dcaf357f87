import type { Frontend } from '../../model/types';
import { parsePython } from './parse';
import { renderPython } from './render';

export const pythonFrontend: Frontend = { language: ['python'], parse: parsePython, render: renderPython, commentPrefix: '#' };

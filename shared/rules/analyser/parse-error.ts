import { ALL_LANGUAGES, defineRule } from '../../engine/rule';

/** Reported by the engine from each frontend's parse errors; the rule exists for its metadata. */
export default defineRule({
  meta: {
    id: 'parse-error',
    title: 'File does not parse',
    category: 'analyser',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'The deploy tool will refuse the file. Faultline still analyses everything that parsed, but may miss findings inside the broken part.',
    fix: 'Correct the syntax at the reported place.',
    links: [],
  },
});

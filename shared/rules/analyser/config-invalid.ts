import { ALL_LANGUAGES, defineRule } from '../../engine/rule';

/** Reported by the configuration loader at the offending key of faultline.json. */
export default defineRule({
  meta: {
    id: 'config-invalid',
    title: 'Invalid faultline.json',
    category: 'analyser',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact: 'The configuration is not applied as written: rules may run that were meant to be off, or with the wrong settings.',
    fix: 'Correct the key as the message and the JSON schema say.',
    links: [],
  },
});

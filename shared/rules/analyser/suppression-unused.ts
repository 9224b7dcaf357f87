import { ALL_LANGUAGES, defineRule } from '../../engine/rule';

/** Reported by the engine after suppressions are applied. */
export default defineRule({
  meta: {
    id: 'suppression-unused',
    title: 'Suppression comment that suppresses nothing',
    category: 'analyser',
    severity: 'low',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact: 'A stale or misspelt suppression hides nothing today and will silently hide a real finding later.',
    fix: 'Remove the comment, or correct the rule id.',
    links: [],
    tags: ['unnecessary'],
  },
});

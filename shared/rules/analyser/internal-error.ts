import { ALL_LANGUAGES, defineRule } from '../../engine/rule';

/** Reported by the engine when a frontend or a rule throws: that part is skipped and the rest goes on. */
export default defineRule({
  meta: {
    id: 'internal-error',
    title: 'Faultline failed on part of the file',
    category: 'analyser',
    severity: 'low',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact: 'One rule or one part of the file was not analysed; other findings are still reported.',
    fix: 'Report the message to the Faultline maintainers with the file that caused it.',
    links: [],
  },
});

import { ALL_LANGUAGES, defineRule } from '../../engine/rule';

/**
 * Reported when a parse runs out of its time budget (the tree-sitter frontends, in the editor too) and by the audit pool
 * when a file exceeds its time budget or its worker's heap limit: the file is stopped, the run goes on.
 */
export default defineRule({
  meta: {
    id: 'analysis-timeout',
    title: 'File too slow or too large to analyse',
    category: 'analyser',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact: 'The file was not analysed: its findings are missing from this report.',
    fix: 'Split the file, or report it to the Faultline maintainers: no real program should take this long or this much memory.',
    links: [],
  },
});

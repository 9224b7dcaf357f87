/** The version reported by the CLI, SARIF and the language server. */
export const VERSION = '0.1.0';

/**
 * Lines the suite prints so that the code-server runner can tell its report from the workbench's
 * own log (both arrive through the same relay) and count results without parsing mocha's report.
 */
export const START_MARKER = 'DAGSTREAM_SUITE_START';
export const RESULT_MARKER = 'DAGSTREAM_SUITE_RESULT';

/** The line in the extension host's log that carries the activation probe's figures. */
export const ACTIVATION_MARKER = 'DAGSTREAM_BENCH_ACTIVATION';

/**
 * The contract between the CDK app (`lib/`) and the Lambdas (`lambdas/`): environment variable names, table keys
 * and key prefixes, event sources and detail types, function names and sizes, and the metric catalogue. Both sides
 * import these values, so they cannot drift. Constants and types only: no SDK, no I/O (the CDK app loads this at
 * synth). `lib/` imports nothing else from `lambdas/` except the configuration schema (docs/architecture.md).
 */

export * from './api';
export * from './environment';
export * from './events';
export * from './metrics';
export * from './names';
export * from './table';
export * from './tags';

/** Names the CDK app and the functions must agree on. */

/** The product's name: prefix of fixed resource names, and the default event `source`. */
export const PRODUCT = 'carbon-aware-scheduler';

/**
 * The product's functions by their Powertools service name. The service name is also the handler's file name in
 * `lambdas/handlers/` and the `service` dimension of every metric the function emits.
 */
export const FUNCTIONS = {
  carbonFetcher: 'carbon-fetcher',
  scheduler: 'scheduler',
  rightsizer: 'rightsizer',
  dispatcher: 'dispatcher',
  outcomeRecorder: 'dispatch-outcome-recorder',
  worker: 'worker',
  api: 'api',
} as const;

export type FunctionName = (typeof FUNCTIONS)[keyof typeof FUNCTIONS];

/** Name of the worker function, the same in every worker region (so the dispatcher can build its ARN at synth). */
export const WORKER_FUNCTION_NAME = 'carbon-aware-scheduler-worker';
/** Name of the EventBridge Scheduler group of the dispatcher's one-time deferral schedules. */
export const DEFERRAL_SCHEDULE_GROUP_NAME = 'carbon-aware-scheduler-deferrals';
/**
 * The home region's event bus for job requests and completions (not the default bus): its resource policy admits
 * only the dispatcher, the workers and the roles named in `dispatch.jobSubmitterRoleArns` (docs/security.md).
 */
export const JOB_EVENT_BUS_NAME = 'carbon-aware-scheduler-jobs';
/** Reserved concurrency of the dispatcher and of each worker: bounds what a flood of job requests can start. */
export const DISPATCH_RESERVED_CONCURRENCY = 5;

/**
 * Size of the worker function. The dispatcher's default job energy (a job that gives neither `estimatedKWh` nor
 * `instanceType` + `hours`) is this memory for this duration, so the CDK uses these values.
 */
export const WORKER_MEMORY_MB = 512;
/** Worker timeout, seconds; also the expected duration of a job that names none. */
export const WORKER_TIMEOUT_SECONDS = 300;

/** Name of the configuration file inside each function's code asset (docs/configuration-delivery.md). */
export const FUNCTION_CONFIG_FILE = 'config.json';

/** Stage of the HTTP API (docs/api.md); its URL is `https://<api-id>.execute-api.<region>.amazonaws.com`. */
export const API_STAGE_NAME = '$default';
/** Name of the HTTP API (also in its access log group name). */
export const API_NAME = 'carbon-aware-scheduler-api';

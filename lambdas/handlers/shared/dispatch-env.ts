/**
 * The contract between the CDK app and the dispatch Lambdas (dispatcher, worker, outcome recorder): environment
 * variable names, fixed resource names and event names. The CDK code imports these so both sides agree.
 * No SDK imports here: this module is loaded at synth time.
 */

/** Dispatcher: JSON object region → worker function ARN, e.g. `{"eu-north-1":"arn:aws:lambda:eu-north-1:…"}`. */
export const WORKER_FUNCTIONS_ENV = 'WORKER_FUNCTIONS';
/** Dispatcher: EventBridge Scheduler group the one-time deferral schedules are created in. */
export const DISPATCH_SCHEDULE_GROUP_ENV = 'DISPATCH_SCHEDULE_GROUP';
/** Dispatcher: role EventBridge Scheduler assumes to invoke the dispatcher (needs lambda:InvokeFunction on it). */
export const DISPATCH_SCHEDULER_ROLE_ARN_ENV = 'DISPATCH_SCHEDULER_ROLE_ARN';
/**
 * Dispatcher, optional: the ARN deferral schedules invoke. Default: the running function's own ARN from the Lambda
 * context (`context.invokedFunctionArn`), so it need not be set (setting it would be a circular reference in CDK).
 */
export const DISPATCHER_FUNCTION_ARN_ENV = 'DISPATCHER_FUNCTION_ARN';
/** Worker: ARN of the home region's default event bus that receives `JobCompleted` events. */
export const HOME_EVENT_BUS_ARN_ENV = 'HOME_EVENT_BUS_ARN';
/** Worker: the home region (control plane). */
export const HOME_REGION_ENV = 'HOME_REGION';

/** Name of the worker function, the same in every worker region (so the dispatcher can build its ARN at synth). */
export const WORKER_FUNCTION_NAME = 'carbon-aware-scheduler-worker';
/** Default name of the deferral schedule group. */
export const DEFERRAL_SCHEDULE_GROUP_NAME = 'carbon-aware-scheduler-deferrals';

/**
 * Size of the worker function. The dispatcher's default job energy (a job that gives neither `estimatedKWh` nor
 * `instanceType` + `hours`) is this memory for this duration, so the CDK should use these values.
 */
export const WORKER_MEMORY_MB = 512;
/** Worker timeout, seconds; also the expected duration of a job that names none. */
export const WORKER_TIMEOUT_SECONDS = 300;

/** EventBridge `source` of the product's dispatch events (job requests and completions). */
export const DISPATCH_EVENT_SOURCE = 'carbon-aware-scheduler';
/** EventBridge `detail-type` of a job request, routed to the dispatcher by a rule on the home default bus. */
export const JOB_REQUESTED_DETAIL_TYPE = 'JobRequested';
/** EventBridge `detail-type` of a completion, put by workers on the home default bus, routed to the recorder. */
export const JOB_COMPLETED_DETAIL_TYPE = 'JobCompleted';

/** A dispatch environment variable that is missing or malformed. */
export class DispatchEnvironmentError extends Error {
  constructor(variable: string, problem: string) {
    super(`environment variable ${variable}: ${problem}`);
    this.name = 'DispatchEnvironmentError';
  }
}

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):\d{12}:event-bus\/[A-Za-z0-9._\-/]+$/;

/**
 * Parse `WORKER_FUNCTIONS`: a JSON object mapping each region to its worker's function ARN, whose region must be
 * that region.
 * @throws {DispatchEnvironmentError} when unset, not JSON, not an object, or an entry is not a Lambda ARN of its region
 */
export function parseWorkerFunctions(value: string | undefined): Record<string, string> {
  if (value === undefined || value.trim() === '') {
    throw new DispatchEnvironmentError(WORKER_FUNCTIONS_ENV, 'is not set; expected {"<region>": "<worker ARN>", ...}');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new DispatchEnvironmentError(WORKER_FUNCTIONS_ENV, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DispatchEnvironmentError(WORKER_FUNCTIONS_ENV, 'must be a JSON object {"<region>": "<worker ARN>"}');
  }
  const workers: Record<string, string> = {};
  for (const [region, arn] of Object.entries(parsed)) {
    const match = typeof arn === 'string' ? LAMBDA_ARN.exec(arn) : null;
    if (!match) {
      throw new DispatchEnvironmentError(
        WORKER_FUNCTIONS_ENV,
        `${region}: ${JSON.stringify(arn)} is not a Lambda function ARN`,
      );
    }
    if (match[1] !== region) {
      throw new DispatchEnvironmentError(
        WORKER_FUNCTIONS_ENV,
        `${region}: ${arn} is in region ${match[1]}, not ${region}`,
      );
    }
    workers[region] = arn as string;
  }
  return workers;
}

/**
 * The region of an event bus ARN (where PutEvents must be sent).
 * @throws {DispatchEnvironmentError} when `value` is not an event bus ARN
 */
export function eventBusRegion(value: string | undefined): string {
  const match = value === undefined ? null : EVENT_BUS_ARN.exec(value);
  if (!match) {
    throw new DispatchEnvironmentError(
      HOME_EVENT_BUS_ARN_ENV,
      `${JSON.stringify(value)} is not an event bus ARN (arn:aws:events:<region>:<account>:event-bus/default)`,
    );
  }
  return match[1]!;
}

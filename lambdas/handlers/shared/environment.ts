import { HOME_EVENT_BUS_ARN_ENV, WORKER_FUNCTIONS_ENV } from '../../contract';

/** A function's environment variables, read once per container in its `xWiringFromEnvironment`. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** An environment variable is missing or malformed: a deployment error, thrown before anything acts. */
export class EnvironmentError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`environment variable ${variable}: ${problem}`);
    this.name = 'EnvironmentError';
  }
}

/**
 * The value of a variable the function cannot work without.
 * @param what what the value is, for the message (e.g. "the state table name")
 * @throws {EnvironmentError} when it is unset or blank
 */
export function requiredVariable(env: Environment, variable: string, what: string): string {
  const value = env[variable]?.trim();
  if (!value) throw new EnvironmentError(variable, `is not set; expected ${what}`);
  return value;
}

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):\d{12}:event-bus\/[A-Za-z0-9._\-/]+$/;

/**
 * Parse `WORKER_FUNCTIONS`: a JSON object mapping each region to its worker's function ARN, whose region must be
 * that region.
 * @throws {EnvironmentError} when unset, not JSON, not an object, or an entry is not a Lambda ARN of its region
 */
export function parseWorkerFunctions(value: string | undefined): Record<string, string> {
  if (value === undefined || value.trim() === '') {
    throw new EnvironmentError(WORKER_FUNCTIONS_ENV, 'is not set; expected {"<region>": "<worker ARN>", ...}');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new EnvironmentError(WORKER_FUNCTIONS_ENV, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EnvironmentError(WORKER_FUNCTIONS_ENV, 'must be a JSON object {"<region>": "<worker ARN>"}');
  }
  const workers: Record<string, string> = {};
  for (const [region, arn] of Object.entries(parsed)) {
    const match = typeof arn === 'string' ? LAMBDA_ARN.exec(arn) : null;
    if (!match) {
      throw new EnvironmentError(
        WORKER_FUNCTIONS_ENV,
        `${region}: ${JSON.stringify(arn)} is not a Lambda function ARN`,
      );
    }
    if (match[1] !== region) {
      throw new EnvironmentError(WORKER_FUNCTIONS_ENV, `${region}: ${arn} is in region ${match[1]}, not ${region}`);
    }
    workers[region] = arn as string;
  }
  return workers;
}

/**
 * The region of an event bus ARN (where PutEvents must be sent).
 * @throws {EnvironmentError} when `value` is not an event bus ARN
 */
export function eventBusRegion(value: string | undefined): string {
  const match = value === undefined ? null : EVENT_BUS_ARN.exec(value);
  if (!match) {
    throw new EnvironmentError(
      HOME_EVENT_BUS_ARN_ENV,
      `${JSON.stringify(value)} is not an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)`,
    );
  }
  return match[1]!;
}

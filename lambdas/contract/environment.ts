/**
 * Environment variables the CDK app sets on the product's functions (and the few a user or a test may set).
 * Each function reads its environment once per container, in its `xWiringFromEnvironment` (docs/architecture.md).
 */

/** Every control-plane function: name of the state table. */
export const TABLE_NAME_ENV = 'TABLE_NAME';

/** Set by Lambda: the directory the function's code is unpacked into (it holds the bundled `config.json`). */
export const LAMBDA_TASK_ROOT_ENV = 'LAMBDA_TASK_ROOT';
/** Set by Lambda: the region the function runs in (the worker reports it with each completion). */
export const AWS_REGION_ENV = 'AWS_REGION';

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

/** Worker: ARN of the home region's event bus that receives `JobCompleted` events. */
export const HOME_EVENT_BUS_ARN_ENV = 'HOME_EVENT_BUS_ARN';
/** Worker: the home region (control plane). */
export const HOME_REGION_ENV = 'HOME_REGION';

/** Rightsizer, optional: `price-list-api` (default) or `snapshot` (the bundled price snapshot only). */
export const PRICE_SOURCE_ENV = 'PRICE_SOURCE';

/**
 * Carbon fetcher and CLI, optional: base URLs of the carbon providers, for proxies and tests. Not set by the CDK
 * app; the public endpoints are used without them (docs/carbon.md).
 */
export const PROVIDER_URL_ENV = {
  electricityMaps: 'ELECTRICITYMAPS_API_URL',
  wattTime: 'WATTTIME_API_URL',
  ukCarbonIntensity: 'UK_CARBON_INTENSITY_API_URL',
} as const;

/** Every function: Powertools' service name (the `service` metric dimension) and metrics namespace. */
export const POWERTOOLS_SERVICE_NAME_ENV = 'POWERTOOLS_SERVICE_NAME';
export const POWERTOOLS_METRICS_NAMESPACE_ENV = 'POWERTOOLS_METRICS_NAMESPACE';

/**
 * API: the name prefix of the product's home-region alarms (`<control-plane stack name>-`: CloudFormation names each
 * alarm `<stack>-<logical id>-<suffix>`), for the open alarms of `GET /v1/health`. A prefix, not the list of names,
 * so the environment stays small however many alarms the configuration creates.
 */
export const API_ALARM_NAME_PREFIX_ENV = 'API_ALARM_NAME_PREFIX';

/** Names that more than one stack or region must agree on. Everything else gets CloudFormation-generated names. */
export const PRODUCT = 'carbon-aware-scheduler';

/** Worker functions have the same name in every worker region so the dispatcher can build their ARNs at synth. */
export const WORKER_FUNCTION_NAME = `${PRODUCT}-worker`;

/** EventBridge source of the product's own events; detail-types below. */
export const EVENT_SOURCE = PRODUCT;
export const JOB_REQUESTED = 'JobRequested';
export const JOB_COMPLETED = 'JobCompleted';

/** EventBridge Scheduler group holding the dispatcher's one-time deferral schedules. */
export const DEFERRAL_SCHEDULE_GROUP = `${PRODUCT}-deferrals`;

/** Stack names. */
export const controlPlaneStackName = 'CarbonAwareScheduler-ControlPlane';
export const workerStackName = (region: string): string => `CarbonAwareScheduler-Worker-${region}`;

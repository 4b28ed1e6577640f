import {
  DEFERRAL_SCHEDULE_GROUP_NAME,
  DISPATCH_EVENT_SOURCE,
  JOB_COMPLETED_DETAIL_TYPE,
  JOB_REQUESTED_DETAIL_TYPE,
} from '../lambdas/handlers/shared/dispatch-env';

/**
 * Names that more than one stack or region must agree on. The dispatch names come from the Lambdas' own contract
 * (lambdas/handlers/shared/dispatch-env.ts) so both sides cannot drift. Everything else gets generated names.
 */
export {
  WORKER_FUNCTION_NAME,
  WORKER_MEMORY_MB,
  WORKER_TIMEOUT_SECONDS,
} from '../lambdas/handlers/shared/dispatch-env';

export const PRODUCT = 'carbon-aware-scheduler';

/** EventBridge source of the product's own events; detail-types below. */
export const EVENT_SOURCE = DISPATCH_EVENT_SOURCE;
export const JOB_REQUESTED = JOB_REQUESTED_DETAIL_TYPE;
export const JOB_COMPLETED = JOB_COMPLETED_DETAIL_TYPE;

/** EventBridge Scheduler group holding the dispatcher's one-time deferral schedules. */
export const DEFERRAL_SCHEDULE_GROUP = DEFERRAL_SCHEDULE_GROUP_NAME;

/** Name of the control-plane stack (home region). */
export const controlPlaneStackName = 'CarbonAwareScheduler-ControlPlane';
/** Name of the worker stack in `region`. */
export const workerStackName = (region: string): string => `CarbonAwareScheduler-Worker-${region}`;

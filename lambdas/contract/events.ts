/** The product's own EventBridge events: job requests (to the dispatcher) and completions (from workers). */

/** EventBridge `source` of the product's dispatch events (job requests and completions). */
export const DISPATCH_EVENT_SOURCE = 'carbon-aware-scheduler';
/** EventBridge `detail-type` of a job request, routed to the dispatcher. */
export const JOB_REQUESTED_DETAIL_TYPE = 'JobRequested';
/** EventBridge `detail-type` of a completion, put by workers, routed to the outcome recorder. */
export const JOB_COMPLETED_DETAIL_TYPE = 'JobCompleted';

/** `source` and `detail-type` of the scheduled events of EventBridge rules (fetcher, scheduler, rightsizer). */
export const SCHEDULED_EVENT_SOURCE = 'aws.events';
export const SCHEDULED_EVENT_DETAIL_TYPE = 'Scheduled Event';

/** `source` of the scheduler's action and error events on the product's bus (docs/resources.md, "Events"). */
export const SCHEDULING_EVENT_SOURCE = 'carbon-aware-scheduler';
/** `detail-type` of an action the scheduler took. */
export const SCHEDULING_ACTION_DETAIL_TYPE = 'Scheduling Action';
/** `detail-type` of an action that failed. */
export const SCHEDULING_ERROR_DETAIL_TYPE = 'Scheduling Error';

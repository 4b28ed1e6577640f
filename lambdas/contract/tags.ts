/**
 * EC2 tag keys the product reads (docs/schedules.md, docs/rightsizing.md). The CDK app conditions the scheduler's
 * EC2 permissions on the schedule tag, so both sides use these constants.
 */

/** Puts an instance under management; its value names the schedule. */
export const SCHEDULE_TAG = 'Schedule';
/** Overrules the schedule of one instance: `running` | `stopped`, optionally `until <ISO-8601>`. */
export const SCHEDULE_OVERRIDE_TAG = 'ScheduleOverride';
/** Rightsizing opt-in: `recommend`, `auto` or `off`. */
export const RIGHTSIZE_TAG = 'Rightsize';

/** Public API of the schedule language and evaluation engine (docs/schedules.md). */
export { BUILTIN_DISPLAY_NAMES, BUILTIN_SCHEDULE_DEFINITIONS } from './builtins';
export { describePeriod } from './describe';
export { desiredState, desiredStateAt, type ScheduleEvaluation } from './evaluate';
export { NEXT_TRANSITION_HORIZON_DAYS, nextTransition } from './next-transition';
export { applyOverride } from './override';
export {
  DEFAULT_MAX_DEFER_MINUTES,
  type ParseScheduleResult,
  parseScheduleDefinition,
  ScheduleDefinitionError,
} from './parse';
export { normalizeScheduleName, ScheduleRegistry } from './registry';
export {
  NO_OVERRIDE_TAG,
  type OverrideTag,
  type OverrideTagResult,
  parseOverrideTag,
  parseScheduleTag,
  SCHEDULE_OVERRIDE_TAG,
  SCHEDULE_TAG,
} from './tags';
export { decideTransition, type TransitionDecision, type TransitionInput } from './transition';
export {
  CARBON_POLICIES,
  type CarbonPolicy,
  type DesiredState,
  type ExceptionDates,
  type InstanceLifecycleState,
  type Period,
  type Schedule,
  type StoredState,
} from './types';
export { isValidTimeZone } from './zone-time';

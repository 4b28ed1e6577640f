/** Public API of the scheduler core (docs/scheduler.md): decisions, carbon policies, plans, the run orchestration and ports. */

export { type ActionFailure, type BatchOutcome, MAX_IDS_PER_CALL, REGION_WIDE_ERROR_CODES, runBatched } from './batch';
export {
  type CarbonInput,
  carbonInputFromSourced,
  type DecisionCarbon,
  decisionCarbon,
  describeCarbon,
} from './carbon-input';
export {
  chooseDeferredStart,
  type DeferDecision,
  type DeferInput,
  type DeferredStart,
  deferStartDecision,
  formatGCO2ePerKWh,
  formatTime,
  INITIAL_PAUSE_STATE,
  type IntensityPoint,
  type PauseParams,
  type PauseState,
  type PauseStep,
  pausePolicyStep,
} from './carbon-policy';
export {
  ALWAYS_ON,
  type DecideInput,
  type Decision,
  type DecisionConfig,
  type DecisionKind,
  decideInstance,
  policyThreshold,
} from './decide-instance';
export { estimateImpact, type ImpactEstimate, type ImpactInput } from './impact';
export { ASG_TAG, type Ec2StateName, type InstanceFacts, OVERRIDE_TAG, SCHEDULE_TAG } from './instance-facts';
export type {
  HistoryEntry,
  InstanceStateRecord,
  RegionRunRecord,
  RegionState,
  SchedulerAction,
} from './instance-state';
export { type MetricDatum, schedulerMetrics } from './metrics';
export {
  buildFleetPlan,
  type FleetPlanEntry,
  type FleetPlanTotals,
  type PlanEntry,
  type PlanTotals,
  planEntry,
  planTotals,
} from './plan';
export type {
  AutoResizeSource,
  DescribedFleet,
  Fleet,
  InstanceStateStore,
  Lease,
  PendingResize,
  SavingsIncrement,
  SavingsStore,
} from './ports';
export {
  type ExecutedDecision,
  type RegionCalls,
  type RegionPhase,
  RegionPhaseError,
  type RegionResult,
} from './region-types';
export { runRegion } from './run-region';
export { runScheduler, type SchedulerPorts, type SchedulerRunInput, type SchedulerRunResult } from './run-scheduler';
export { type ScheduleEvaluator, scheduleEvaluator } from './schedule-evaluator';
export { type RunTime, runTime } from './tick';

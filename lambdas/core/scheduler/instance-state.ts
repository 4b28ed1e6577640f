import type { StoredState } from '../schedule/types';
import type { PauseState } from './carbon-policy';

/** Actions the scheduler takes on an instance. */
export type SchedulerAction = 'start' | 'stop' | 'resize' | 'none';

/**
 * What the scheduler remembers about one instance between runs (DynamoDB item `INSTANCE#<region>` / `<instanceId>`).
 * Only changes are written: a run that leaves an instance as it was writes nothing for it.
 */
export interface InstanceStateRecord {
  readonly instanceId: string;
  readonly region: string;
  /** Name of the schedule the instance was last decided under. */
  readonly schedule: string;
  /** Instance type at the last action or first sight. */
  readonly instanceType: string;
  /** The transition-rule state (Instance Scheduler semantics). */
  readonly state: StoredState;
  /** `pause-when-dirty` machine state (absent for other policies). */
  readonly pause?: PauseState;
  readonly lastAction?: Exclude<SchedulerAction, 'none'>;
  /** ISO-8601 time of the last action. */
  readonly lastActionAt?: string;
  /** Run tick (ISO-8601, truncated to the scheduling interval) of the last action: the same tick never acts twice. */
  readonly lastActionTick?: string;
  /** Reason of the last action (reasons of `none` decisions are logged, not stored, so items do not churn). */
  readonly lastReason?: string;
  /** `<code>: <message>` of the last failed action, cleared by the next success. */
  readonly lastError?: string;
  /** When the scheduler stopped the instance (open savings stretch); cleared when it runs again. */
  readonly stoppedAt?: string;
  /** The region's cumulative intensity-hours (gCO2e/kWh × h) at `stoppedAt`, to price the stretch's emissions. */
  readonly intensityHoursAtStop?: number;
  /** Savings of closed stretches: USD, grams CO2e, kWh and instance-hours stopped by the scheduler. */
  readonly savedUsd: number;
  readonly savedGCO2e: number;
  readonly savedKWh: number;
  readonly stoppedHours: number;
  readonly firstSeenAt: string;
  readonly updatedAt: string;
}

/**
 * Per-region run bookkeeping (item `INSTANCE#<region>` / `#run`): when the region was last processed and the
 * running integral of its carbon intensity over time, which prices the emissions avoided by every stopped instance
 * without writing each instance every run.
 */
export interface RegionRunRecord {
  readonly region: string;
  /** ISO-8601 `now` of the last run that processed the region (not dry runs). */
  readonly lastRunAt: string;
  /** Tick of that run. */
  readonly lastTick: string;
  /** Σ intensity × hours between runs since the region was first processed, gCO2e/kWh × h. */
  readonly intensityHours: number;
}

/** One instance of an {@link ActionIntent}: the action about to be sent to EC2 and what to record if it took effect. */
export interface IntendedAction {
  readonly instanceId: string;
  /** `stop` (with `hibernate`) or `start` (a resize's start included). */
  readonly action: 'start' | 'stop';
  readonly hibernate?: boolean;
  readonly schedule: string;
  /** Type the instance has when the action takes effect (the target type of a resize). */
  readonly instanceType: string;
  /** The decision's reason, as it would have been recorded. */
  readonly reason: string;
  /** `pause-when-dirty` state the decision would have stored. */
  readonly pause?: PauseState;
  readonly gCO2ePerKWh: number;
  readonly carbonProvider: string;
}

/**
 * What a run is about to do in a region, written before the first StartInstances/StopInstances call (item
 * `INSTANCE#<region>` / `#intent#<at>`) and deleted with the run's state write. An intent still present at the
 * next run means the state write failed or the run was killed after acting: the next run reconciles it with what
 * EC2 reports (docs/scheduler.md, "Durability").
 */
export interface ActionIntent {
  /** Sort key of the intent item (`#intent#<at>`). */
  readonly id: string;
  /** ISO-8601 `now` of the run that wrote it (the time its actions are recorded at). */
  readonly at: string;
  readonly tick: string;
  /** The region's intensity integral of that run (gCO2e/kWh × h), for the stretches its stops open or its starts close. */
  readonly intensityHours: number;
  /** Fencing token of the run, when it had one. */
  readonly fence?: number;
  readonly actions: readonly IntendedAction[];
}

/** The state of one region as loaded at the start of a run (one Query). */
export interface RegionState {
  readonly instances: ReadonlyMap<string, InstanceStateRecord>;
  readonly run?: RegionRunRecord;
  /** Intents of earlier runs whose state write never happened (normally none). */
  readonly intents?: readonly ActionIntent[];
}

/** One action in an instance's history (`HISTORY#<region>#<instanceId>` / `<at>#<action>`, kept 90 days). */
export interface HistoryEntry {
  readonly region: string;
  readonly instanceId: string;
  /** ISO-8601 time of the action. */
  readonly at: string;
  /** `start`, `stop`, `resize`, `hibernate` or `revert` (a resize undone because the new type did not start). */
  readonly action: 'start' | 'stop' | 'resize' | 'hibernate' | 'revert';
  readonly outcome: 'ok' | 'failed';
  readonly schedule: string;
  readonly instanceType: string;
  /** For resizes: the type the instance was changed to. */
  readonly targetInstanceType?: string;
  readonly reason: string;
  /** `<code>: <message>` when the action failed. */
  readonly error?: string;
  readonly gCO2ePerKWh: number;
  readonly carbonProvider: string;
}

const COMPARED: readonly (keyof InstanceStateRecord)[] = [
  'schedule',
  'instanceType',
  'state',
  'lastAction',
  'lastActionAt',
  'lastActionTick',
  'lastReason',
  'lastError',
  'stoppedAt',
  'intensityHoursAtStop',
  'savedUsd',
  'savedGCO2e',
  'savedKWh',
  'stoppedHours',
];

/** True when `after` differs from `before` in anything but `updatedAt` (so it must be written). */
export function recordChanged(before: InstanceStateRecord | undefined, after: InstanceStateRecord): boolean {
  if (before === undefined) return true;
  for (const key of COMPARED) if (before[key] !== after[key]) return true;
  const a = before.pause;
  const b = after.pause;
  return a?.paused !== b?.paused || a?.since !== b?.since;
}

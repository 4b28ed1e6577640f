import type { Config } from '../config/schema';
import type { RightsizeMode } from '../rightsizing/mode';
import { decideTransition, parseOverrideTag, type ScheduleRegistry } from '../schedule';
import type { DesiredState, Schedule, StoredState } from '../schedule/types';
import { type CarbonInput, type DecisionCarbon, decisionCarbon, describeCarbon } from './carbon-input';
import {
  deferStartDecision,
  formatGCO2ePerKWh,
  INITIAL_PAUSE_STATE,
  type IntensityPoint,
  type PauseState,
  pausePolicyStep,
} from './carbon-policy';
import { ASG_TAG, type InstanceFacts, OVERRIDE_TAG, SCHEDULE_TAG } from './instance-facts';
import type { InstanceStateRecord, SchedulerAction } from './instance-state';
import type { PendingResize } from './ports';
import type { ScheduleEvaluator } from './schedule-evaluator';

/** The built-in schedule that is never stopped, whatever a tag or policy says. */
export const ALWAYS_ON = 'always-on';

/** The configuration fields a decision reads. */
export interface DecisionConfig {
  readonly thresholdFor: Config['thresholdFor'];
  readonly hysteresisFor: Config['hysteresisFor'];
  readonly minRunMinutes: number;
  readonly minStopMinutes: number;
  readonly carbon: {
    readonly whenNoLiveData: 'hold' | 'use-static';
    /** Thresholds for marginal signals (WattTime MOER), gCO2e/kWh per region; absent → policies hold on them. */
    readonly marginalThresholds?: Readonly<Record<string, number>>;
  };
  /**
   * Whether pending automatic resizes may be applied (config `rightsizing`, docs/security.md); absent → never.
   */
  readonly rightsizing?: { readonly defaultMode: RightsizeMode; readonly allowAutoResize?: boolean };
}

/**
 * Whether an instance is managed:
 * `managed` (valid schedule), `invalid-tag` (bad Schedule or ScheduleOverride value: reported, counted, never acted
 * on), `skipped` (Auto Scaling group member, spot, terminating), `unmanaged` (no Schedule tag: never touched).
 */
export type DecisionKind = 'managed' | 'invalid-tag' | 'skipped' | 'unmanaged';

/**
 * The rule that settled a decision (docs/scheduler.md, "Decision rules"). Tests and tools match these ids, never the
 * text of `reason`:
 * `no-schedule-tag`, `auto-scaling-group`, `spot`, `terminal-state`, `invalid-schedule-tag`, `invalid-override-tag`
 * (not managed); `override` (an active ScheduleOverride); `pause-when-dirty` / `defer-start` (the carbon policy
 * changed what the schedule wants); `policy-holds` (no usable carbon data: the schedule alone); `schedule` (the
 * schedule and the transition rules); `always-on` (a stop refused); `auto-resize` (a pending rightsizing turned a
 * start into a resize); `same-tick` (already acted on in this tick).
 */
export type DecisionRule =
  | 'no-schedule-tag'
  | 'auto-scaling-group'
  | 'spot'
  | 'terminal-state'
  | 'invalid-schedule-tag'
  | 'invalid-override-tag'
  | 'override'
  | 'pause-when-dirty'
  | 'defer-start'
  | 'policy-holds'
  | 'schedule'
  | 'always-on'
  | 'auto-resize'
  | 'same-tick';

/** The facts a decision's reason is written from, as fields (units in the names). */
export interface DecisionFacts {
  /** The Schedule tag value as found (managed or not). */
  readonly scheduleTag?: string;
  /** What the schedule alone wants at `now`. */
  readonly scheduleWants?: DesiredState;
  /** The active ScheduleOverride tag value. */
  readonly override?: string;
  readonly carbonPolicy?: Schedule['carbonPolicy'];
  /** The threshold the reading was compared with, gCO2e/kWh, and whether the policy could use it. */
  readonly thresholdGCO2ePerKWh?: number;
  readonly policyUsable?: boolean;
  /** Why a carbon policy held (no live data, marginal signal without a marginal threshold). */
  readonly policyHeldBecause?: string;
  /** The carbon policy's own reason (pause step, defer decision). */
  readonly policyReason?: string;
  /** The transition rule's reason (Instance Scheduler semantics). */
  readonly transitionReason?: string;
  /** Auto Scaling group name (rule `auto-scaling-group`). */
  readonly autoScalingGroup?: string;
  /** Why a tag could not be used (rules `invalid-schedule-tag`, `invalid-override-tag`). */
  readonly tagProblem?: string;
  /** The EC2 state (rule `terminal-state`). */
  readonly ec2State?: InstanceFacts['state'];
}

/** What to do with one instance, and why. */
export interface Decision {
  readonly instanceId: string;
  readonly region: string;
  readonly instanceType: string;
  /** The EC2 state the instance was described in. */
  readonly currentState: InstanceFacts['state'];
  /** Schedule name (resolved), the raw tag value for a bad tag, or null without a tag. */
  readonly schedule: string | null;
  /** What the instance should be after schedule, override and carbon policy; null when not managed. */
  readonly desired: DesiredState | null;
  readonly action: SchedulerAction;
  /** The rule that settled the action. */
  readonly rule: DecisionRule;
  /** The facts behind the decision, as fields; `reason` is their text. */
  readonly facts: DecisionFacts;
  /**
   * Human-readable, for logs, the CLI and the plan: the schedule, the carbon intensity with its source, age and the
   * threshold, and the rule.
   */
  readonly reason: string;
  readonly carbon: DecisionCarbon;
  readonly kind: DecisionKind;
  /**
   * The state to store if the action succeeds; undefined when there is nothing to store (not managed, or a
   * never-seen instance in a transient state).
   */
  readonly newState?: StoredState;
  /** New `pause-when-dirty` state to store. */
  readonly pause?: PauseState;
  /** For `resize`: the type to change to before starting. */
  readonly targetInstanceType?: string;
  /** For `resize`: where the type comes from. */
  readonly resizeSource?: 'schedule' | 'rightsizing';
  readonly recommendationId?: string;
  /** For `stop`: hibernate (the schedule asks and the instance is configured for it). */
  readonly hibernate?: boolean;
  /** When `defer-start` holds a start: the planned start (ISO-8601). */
  readonly plannedStartAt?: string;
  /** True when the carbon policy (not the time schedule) made the instance stopped. */
  readonly carbonDriven?: boolean;
}

/** Everything {@link decideInstance} needs; all of it is data (no I/O). */
export interface DecideInput {
  readonly instance: InstanceFacts;
  readonly registry: ScheduleRegistry;
  readonly stored: InstanceStateRecord | undefined;
  readonly carbon: CarbonInput;
  /** Forecast points of the region (for `defer-start`), if any. */
  readonly forecast?: readonly IntensityPoint[];
  readonly config: DecisionConfig;
  readonly evaluator: ScheduleEvaluator;
  /** Tick of the run: an instance already acted on in this tick is not acted on again. */
  readonly tick: string;
  /** A pending `auto` rightsizing of this instance. */
  readonly pendingResize?: PendingResize;
}

/** Threshold and hysteresis the policy compares a reading with, or why it must not compare. */
type PolicyThreshold =
  | { readonly usable: true; readonly threshold: number; readonly hysteresis: number; readonly label: string }
  | { readonly usable: false; readonly threshold: number; readonly why: string };

/**
 * Which threshold applies to a reading. Thresholds are written for average signals: a marginal signal (WattTime
 * MOER) is compared only with `carbon.marginalThresholds[region]` (hysteresis scaled in proportion), and without one
 * the carbon policy holds (runs as the time schedule says). With only the static annual factor and
 * `carbon.whenNoLiveData` `hold` (default), the policy holds too.
 */
export function policyThreshold(carbon: CarbonInput, config: DecisionConfig): PolicyThreshold {
  const region = carbon.region;
  const threshold = config.thresholdFor(region);
  if (carbon.origin === 'static' && config.carbon.whenNoLiveData === 'hold') {
    return {
      usable: false,
      threshold,
      why: 'no live or cached reading, only the static annual average (carbon.whenNoLiveData "hold")',
    };
  }
  if (carbon.signal === 'marginal') {
    const marginal = config.carbon.marginalThresholds?.[region];
    if (marginal === undefined) {
      return {
        usable: false,
        threshold,
        why:
          `a marginal signal (${carbon.provider}) is not compared with the average threshold ` +
          `${formatGCO2ePerKWh(threshold)}; set carbon.marginalThresholds["${region}"] to act on it`,
      };
    }
    const ratio = threshold > 0 && Number.isFinite(threshold) ? config.hysteresisFor(region) / threshold : 0.1;
    return { usable: true, threshold: marginal, hysteresis: marginal * ratio, label: 'marginal threshold' };
  }
  return { usable: true, threshold, hysteresis: config.hysteresisFor(region), label: 'threshold' };
}

function notManaged(
  input: DecideInput,
  kind: Exclude<DecisionKind, 'managed'>,
  schedule: string | null,
  reason: string,
  rule: DecisionRule,
  facts: DecisionFacts = {},
): Decision {
  const { instance, carbon, evaluator } = input;
  return {
    instanceId: instance.instanceId,
    region: instance.region,
    instanceType: instance.instanceType,
    currentState: instance.state,
    schedule,
    desired: null,
    action: 'none',
    rule,
    facts: { ...(schedule !== null ? { scheduleTag: schedule } : {}), ...facts },
    reason,
    carbon: decisionCarbon(carbon, evaluator.now),
    kind,
  };
}

/** The instance's state as the transition rules see it: EC2 lifecycle state. */
function isStoppedLike(state: InstanceFacts['state']): boolean {
  return state === 'stopped' || state === 'stopping';
}

/**
 * Decide one instance (pure): Schedule tag → schedule → ScheduleOverride tag → carbon policy → transition rules.
 *
 * - No `Schedule` tag: never touched. Auto Scaling group members and spot instances are skipped with a reason.
 * - A bad `Schedule` or `ScheduleOverride` value never throws and never acts (kind `invalid-tag`).
 * - An active override wins over the schedule and the carbon policy.
 * - `pause-when-dirty` runs {@link pausePolicyStep} while the schedule wants `running`; `defer-start` runs
 *   {@link deferStartDecision} while the period began less than `maxDeferMinutes` ago and the instance is not
 *   running. Without usable carbon data (see {@link policyThreshold}) both hold: the schedule decides alone.
 * - `always-on` is never stopped. An instance already acted on in this tick is not acted on again.
 * - A pending `auto` rightsizing turns a scheduled start of an instance the scheduler stopped into a resize.
 */
export function decideInstance(input: DecideInput): Decision {
  const { instance, registry, stored, carbon, config, evaluator } = input;
  const now = evaluator.now;
  const tagValue = instance.tags[SCHEDULE_TAG];
  if (tagValue === undefined) {
    return notManaged(input, 'unmanaged', null, 'no Schedule tag: not managed, never touched', 'no-schedule-tag');
  }
  const asg = instance.tags[ASG_TAG];
  if (asg !== undefined) {
    return notManaged(
      input,
      'skipped',
      tagValue,
      `member of Auto Scaling group "${asg}": the group owns its lifecycle, so the scheduler leaves it alone`,
      'auto-scaling-group',
      { autoScalingGroup: asg },
    );
  }
  if (instance.lifecycle === 'spot') {
    return notManaged(
      input,
      'skipped',
      tagValue,
      'spot instance: the scheduler does not stop or start spot instances (EC2 may reclaim them)',
      'spot',
    );
  }
  if (instance.state === 'shutting-down' || instance.state === 'terminated') {
    return notManaged(
      input,
      'skipped',
      tagValue,
      `instance is ${instance.state}: nothing to schedule`,
      'terminal-state',
      {
        ec2State: instance.state,
      },
    );
  }
  const resolution = registry.resolve(tagValue);
  if (!resolution.ok) {
    return notManaged(
      input,
      'invalid-tag',
      tagValue,
      `Schedule tag "${tagValue}": ${resolution.reason}; left as it is`,
      'invalid-schedule-tag',
      { tagProblem: resolution.reason },
    );
  }
  const schedule: Schedule = resolution.schedule;
  const overrideText = instance.tags[OVERRIDE_TAG];
  let override: { state: 'running' | 'stopped'; text: string } | undefined;
  if (overrideText !== undefined && overrideText.trim() !== '') {
    const parsed = parseOverrideTag(overrideText, now);
    if (!parsed.ok) {
      return notManaged(
        input,
        'invalid-tag',
        schedule.name,
        `ScheduleOverride tag "${overrideText}": ${parsed.reason}; left as it is`,
        'invalid-override-tag',
        { tagProblem: parsed.reason },
      );
    }
    if (parsed.active) override = { state: parsed.state, text: overrideText };
  }

  const desire = evaluator.desired(schedule);
  const threshold = policyThreshold(carbon, config);
  const thresholdText = threshold.usable
    ? `${threshold.label} ${formatGCO2ePerKWh(threshold.threshold)}`
    : `threshold ${formatGCO2ePerKWh(threshold.threshold)}`;
  const carbonText = `carbon ${describeCarbon(carbon, now)}, ${thresholdText}`;
  const parts: string[] = [];
  let desired: DesiredState;
  let pause: PauseState | undefined;
  let plannedStartAt: string | undefined;
  let carbonDecided = false;
  let rule: DecisionRule = override ? 'override' : 'schedule';
  let policyHeldBecause: string | undefined;
  let policyReason: string | undefined;

  if (override) {
    desired = override.state;
    parts.push(`${schedule.name}: override "${override.text}" → ${override.state} (schedule: ${desire.state})`);
    parts.push(`${carbonText}; carbon policy ${schedule.carbonPolicy} not applied under an override`);
    if (schedule.carbonPolicy === 'pause-when-dirty') pause = stored?.pause ?? INITIAL_PAUSE_STATE;
  } else {
    desired = desire.state;
    parts.push(desire.reason.startsWith(`${schedule.name}:`) ? desire.reason : `${schedule.name}: ${desire.reason}`);
    if (schedule.carbonPolicy === 'none' || desire.state !== 'running') {
      parts.push(`${carbonText}, policy ${schedule.carbonPolicy}`);
      if (schedule.carbonPolicy === 'pause-when-dirty') pause = INITIAL_PAUSE_STATE;
    } else if (schedule.carbonPolicy === 'pause-when-dirty') {
      const previous = stored?.pause ?? INITIAL_PAUSE_STATE;
      if (!threshold.usable) {
        // The policy holds: the running phase goes on, with the time it began (a reset would let the next live
        // reading pause an instance that started minutes ago). A carbon pause ends: the schedule decides alone.
        pause = previous.paused ? INITIAL_PAUSE_STATE : previous;
        rule = 'policy-holds';
        policyHeldBecause = threshold.why;
        parts.push(`${carbonText}; pause-when-dirty holds: ${threshold.why}`);
      } else {
        const step = pausePolicyStep(
          previous,
          { gCO2ePerKWh: carbon.gCO2ePerKWh, at: now },
          {
            thresholdGCO2ePerKWh: threshold.threshold,
            hysteresisGCO2ePerKWh: threshold.hysteresis,
            minRunMinutes: config.minRunMinutes,
            minStopMinutes: config.minStopMinutes,
          },
        );
        pause = step.state;
        desired = step.paused ? 'stopped' : 'running';
        carbonDecided = step.paused;
        policyReason = step.reason;
        if (step.paused || step.changed) rule = 'pause-when-dirty';
        parts.push(`${carbonText}; pause-when-dirty: ${step.reason}`);
      }
    } else {
      // defer-start: only delays a start; a running instance is left running.
      const periodStart = evaluator.periodStart(schedule, schedule.maxDeferMinutes);
      if (!isStoppedLike(instance.state)) {
        parts.push(`${carbonText}; defer-start: the instance is ${instance.state}, nothing to defer`);
      } else if (periodStart === undefined) {
        parts.push(
          `${carbonText}; defer-start: the period began more than ${schedule.maxDeferMinutes} min ago → start regardless`,
        );
      } else if (!threshold.usable) {
        rule = 'policy-holds';
        policyHeldBecause = threshold.why;
        parts.push(`${carbonText}; defer-start holds: ${threshold.why}`);
      } else {
        const defer = deferStartDecision({
          now,
          periodStart,
          maxDeferMinutes: schedule.maxDeferMinutes,
          currentGCO2ePerKWh: carbon.gCO2ePerKWh,
          thresholdGCO2ePerKWh: threshold.threshold,
          ...(input.forecast ? { forecast: input.forecast } : {}),
        });
        policyReason = defer.reason;
        if (!defer.start) {
          rule = 'defer-start';
          desired = 'stopped';
          carbonDecided = true;
          plannedStartAt = defer.plannedStartAt?.toISOString();
        }
        parts.push(`${carbonText}; defer-start: ${defer.reason}`);
      }
    }
  }

  // A carbon hold of a never-seen instance is a change from what it is now, not "a new instance outside its period".
  const observed: StoredState = instance.state === 'running' || instance.state === 'pending' ? 'running' : 'stopped';
  const transition = decideTransition({
    desired,
    stored: stored?.state ?? (carbonDecided ? observed : undefined),
    actual: instance.state,
    enforced: schedule.enforced,
    retainRunning: schedule.retainRunning,
    stopNewInstances: schedule.stopNewInstances,
    ...(!override && desire.instanceType ? { desiredInstanceType: desire.instanceType } : {}),
    actualInstanceType: instance.instanceType,
  });
  let action: SchedulerAction = transition.action;
  let newState: StoredState | undefined = transition.newStoredState;
  parts.push(transition.reason);
  let targetInstanceType: string | undefined;
  let resizeSource: Decision['resizeSource'];
  let recommendationId: string | undefined;
  if (action === 'resize') {
    targetInstanceType = desire.instanceType;
    resizeSource = 'schedule';
  }

  if (action === 'stop' && schedule.name === ALWAYS_ON) {
    action = 'none';
    rule = 'always-on';
    newState = stored?.state ?? 'running';
    parts.push(`${ALWAYS_ON} is never stopped → none`);
  }
  if (
    action === 'start' &&
    input.pendingResize &&
    schedule.name !== ALWAYS_ON &&
    !override &&
    stored?.state === 'stopped' &&
    input.pendingResize.fromInstanceType === instance.instanceType &&
    input.pendingResize.targetInstanceType !== instance.instanceType
  ) {
    action = 'resize';
    rule = 'auto-resize';
    targetInstanceType = input.pendingResize.targetInstanceType;
    resizeSource = 'rightsizing';
    recommendationId = input.pendingResize.recommendationId;
    parts.push(
      `rightsizing recommendation ${recommendationId} (auto): start as ${targetInstanceType} instead of ${instance.instanceType}`,
    );
  }
  if (action !== 'none' && stored?.lastActionTick === input.tick) {
    parts.push(`already acted on in this run's tick ${input.tick} (${stored.lastAction}) → none`);
    action = 'none';
    rule = 'same-tick';
    newState = stored.state;
  }
  if ((action === 'start' || action === 'resize') && schedule.carbonPolicy === 'pause-when-dirty') {
    pause = { paused: false, since: now.toISOString() };
  }
  const hibernate = action === 'stop' && schedule.hibernate && instance.hibernationConfigured;
  if (action === 'stop' && schedule.hibernate && !instance.hibernationConfigured) {
    parts.push('hibernation asked but the instance is not configured for it → normal stop');
  }

  return {
    instanceId: instance.instanceId,
    region: instance.region,
    instanceType: instance.instanceType,
    currentState: instance.state,
    schedule: schedule.name,
    desired,
    action,
    rule,
    facts: {
      scheduleTag: tagValue,
      scheduleWants: desire.state,
      ...(override ? { override: override.text } : {}),
      carbonPolicy: schedule.carbonPolicy,
      thresholdGCO2ePerKWh: threshold.threshold,
      policyUsable: threshold.usable,
      ...(policyHeldBecause ? { policyHeldBecause } : {}),
      ...(policyReason ? { policyReason } : {}),
      transitionReason: transition.reason,
    },
    reason: parts.join('; '),
    carbon: decisionCarbon(carbon, now),
    kind: 'managed',
    ...(newState ? { newState } : {}),
    ...(pause ? { pause } : {}),
    ...(targetInstanceType ? { targetInstanceType } : {}),
    ...(resizeSource ? { resizeSource } : {}),
    ...(recommendationId ? { recommendationId } : {}),
    ...(action === 'stop' ? { hibernate } : {}),
    ...(plannedStartAt ? { plannedStartAt } : {}),
    ...(carbonDecided ? { carbonDriven: true } : {}),
  };
}

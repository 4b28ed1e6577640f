import { ageSeconds } from '../carbon/freshness';
import type { Signal } from '../carbon/reading';
import { decideTransition, type ScheduleRegistry } from '../schedule';
import type { DesiredState, Schedule, StoredState } from '../schedule/types';
import type { CarbonInput } from '../scheduler/carbon-input';
import type { IntensityPoint, PauseState } from '../scheduler/carbon-policy';
import { ALWAYS_ON, type Decision, type DecisionConfig, decideInstance } from '../scheduler/decide-instance';
import { SCHEDULE_TAG } from '../scheduler/instance-facts';
import type { PendingResize } from '../scheduler/ports';
import type { ScheduleEvaluator } from '../scheduler/schedule-evaluator';
import type { ResourcesConfig } from './config';
import { desiredForResource } from './desire';
import { autoRestartDue, dbClusterLimit, rdsInstanceLimit } from './rds-rules';
import type { ResourceReason, ResourceReasonStep, ResourceRuleId } from './reason';
import { isKnownRdsStatus, lifecycleOf } from './state';
import { optOutValue, parseSizesTag, parseStartOrderTag, SIZES_TAG, START_ORDER_TAG, sameSizes } from './tags';
import {
  type AutoScalingGroupResource,
  type Ec2InstanceResource,
  type GroupSizes,
  RESOURCE_TYPE_NAMES,
  type Resource,
  type ResourceAction,
  type ResourceState,
  type ResourceType,
} from './types';

/**
 * Scheduling decisions for every resource type, as pure functions of data (docs/resources.md):
 * tag → opt-out → what the service allows → schedule → override → maintenance window → carbon policy → the
 * transition rules of Instance Scheduler on AWS (lambdas/core/schedule/transition.ts) → the type's own rules
 * (RDS's 7-day restart, Auto Scaling sizes) → the run's tick. EC2 instances keep their own decision
 * (lambdas/core/scheduler/decide-instance.ts), wrapped, with the opt-out in front of it.
 */

/** Whether a resource is managed; `opted-out` carries an opt-out `Schedule` value and is never touched. */
export type ResourceDecisionKind = 'managed' | 'invalid-tag' | 'skipped' | 'unmanaged' | 'opted-out';

/** What the scheduler remembers about a resource between runs (a subset of the state record, plus group sizes). */
export interface StoredResourceState {
  readonly state: StoredState;
  readonly pause?: PauseState;
  readonly lastAction?: 'start' | 'stop' | 'resize';
  /** ISO-8601 time of the last action. */
  readonly lastActionAt?: string;
  readonly lastActionTick?: string;
  /** Auto Scaling groups: the sizes to restore at the next start (recorded at the last stop or in-period change). */
  readonly sizes?: GroupSizes;
}

/** The configuration a resource decision reads. */
export interface ResourceDecisionConfig extends DecisionConfig {
  readonly resources: Pick<ResourcesConfig, 'optOutValues' | 'applicationTag' | 'startOrder'>;
}

/** The reading a decision used, summarised for plans and events. */
export interface ResourceCarbonSummary {
  readonly gCO2ePerKWh: number;
  readonly provider: string;
  /** Whole seconds between the reading and the run's `now` (0 for the static factor). */
  readonly ageSeconds: number;
  readonly origin: CarbonInput['origin'];
  readonly signal: Signal;
}

/** The summary of a reading at `now` (gCO2e/kWh to one decimal). */
export function resourceCarbonSummary(input: CarbonInput, now: Date): ResourceCarbonSummary {
  const age = input.origin === 'static' ? 0 : ageSeconds(input, now);
  return {
    gCO2ePerKWh: Math.round(input.gCO2ePerKWh * 10) / 10,
    provider: input.provider,
    ageSeconds: Number.isFinite(age) ? Math.max(0, Math.round(age)) : 0,
    origin: input.origin,
    signal: input.signal,
  };
}

/** What to do with one resource, and why. */
export interface ResourceDecision {
  readonly resourceType: ResourceType;
  readonly id: string;
  readonly region: string;
  readonly arn?: string;
  readonly accountId?: string;
  /** What it runs as: EC2 instance type, DB instance class, a cluster's member classes, a group's instance types. */
  readonly capacity: string;
  /** The service's status word as described. */
  readonly status: string;
  readonly state: ResourceState;
  /** Schedule name (resolved), the raw tag value for a bad or opt-out tag, or null without a tag. */
  readonly schedule: string | null;
  readonly desired: DesiredState | null;
  readonly action: ResourceAction;
  readonly kind: ResourceDecisionKind;
  readonly reason: ResourceReason;
  /** The run's reading for the resource's region. */
  readonly carbon: CarbonInput;
  /** The run's `now` (ISO-8601). */
  readonly decidedAt: string;
  /** The state to store if the action succeeds; undefined when there is nothing to store. */
  readonly newState?: StoredState;
  readonly pause?: PauseState;
  readonly plannedStartAt?: string;
  /** True when the carbon policy (not the time schedule) made the resource stopped. */
  readonly carbonDriven?: boolean;
  /** Auto Scaling `start`: the sizes to set. */
  readonly targetSizes?: GroupSizes;
  /** Auto Scaling: sizes to record (at a stop, or when a person changed them inside a period). */
  readonly recordSizes?: GroupSizes;
  /** Its place in its application's start order (see order.ts), when it has one. */
  readonly startOrder?: { readonly application: string; readonly order: number };
  /** EC2: the scheduler's own decision (resize target, hibernation, rightsizing), for the EC2 executor. */
  readonly instanceDecision?: Decision;
}

/** Everything {@link decideResource} needs; all of it is data. */
export interface DecideResourceInput {
  readonly resource: Resource;
  readonly registry: ScheduleRegistry;
  /** What is stored for the resource; for an EC2 instance pass its whole `InstanceStateRecord` (the EC2 decision reads it). */
  readonly stored?: StoredResourceState;
  readonly carbon: CarbonInput;
  readonly forecast?: readonly IntensityPoint[];
  readonly config: ResourceDecisionConfig;
  readonly evaluator: ScheduleEvaluator;
  /** Tick of the run: a resource already acted on in this tick is not acted on again. */
  readonly tick: string;
  /** EC2 only: a pending `auto` rightsizing. */
  readonly pendingResize?: PendingResize;
}

/** What a resource runs as, for tables and accounting. */
export function capacityOf(resource: Resource): string {
  switch (resource.type) {
    case 'ec2-instance':
      return resource.instance.instanceType;
    case 'rds-instance':
      return resource.instanceClass;
    case 'rds-cluster': {
      if (resource.clusterInstanceClass) return resource.clusterInstanceClass;
      if (resource.members.length === 0) return '-';
      if (resource.members.every((m) => m.instanceClass === undefined)) {
        return `${resource.members.length} instance${resource.members.length === 1 ? '' : 's'}`;
      }
      return summarise(resource.members.map((m) => m.instanceClass ?? '?'));
    }
    default:
      return resource.instances.length === 0 ? '-' : summarise(resource.instances.map((i) => i.instanceType ?? '?'));
  }
}

/** `2×db.r6g.large` or `db.r6g.large+db.r6g.xlarge`. */
function summarise(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].map(([value, n]) => (n === 1 ? value : `${n}×${value}`)).join('+');
}

function base(input: DecideResourceInput) {
  const { resource, carbon, evaluator } = input;
  return {
    resourceType: resource.type,
    id: resource.id,
    region: resource.region,
    ...(resource.arn ? { arn: resource.arn } : {}),
    ...(resource.accountId ? { accountId: resource.accountId } : {}),
    capacity: capacityOf(resource),
    status: resource.status,
    state: resource.state,
    carbon,
    decidedAt: evaluator.now.toISOString(),
  };
}

function notManaged(
  input: DecideResourceInput,
  kind: Exclude<ResourceDecisionKind, 'managed'>,
  schedule: string | null,
  step: ResourceReasonStep,
): ResourceDecision {
  return {
    ...base(input),
    schedule,
    desired: null,
    action: 'none',
    kind,
    reason: { rule: step.rule, steps: [step] },
  };
}

/** The EC2 decision's reason as a step (its text; the scheduler's own reason model stays the EC2 truth). */
function ec2Step(decision: Decision): ResourceReasonStep {
  return { rule: 'ec2.decision', detail: String(decision.reason) };
}

function decideEc2(input: DecideResourceInput, resource: Ec2InstanceResource): ResourceDecision {
  const decision = decideInstance({
    instance: resource.instance,
    registry: input.registry,
    stored: input.stored as Parameters<typeof decideInstance>[0]['stored'],
    carbon: input.carbon,
    ...(input.forecast ? { forecast: input.forecast } : {}),
    config: input.config,
    evaluator: input.evaluator,
    tick: input.tick,
    ...(input.pendingResize ? { pendingResize: input.pendingResize } : {}),
  });
  const step = ec2Step(decision);
  return {
    ...base(input),
    schedule: decision.schedule,
    desired: decision.desired,
    action: decision.action,
    kind: decision.kind,
    reason: { rule: step.rule, steps: [step] },
    ...(decision.newState ? { newState: decision.newState } : {}),
    ...(decision.pause ? { pause: decision.pause } : {}),
    ...(decision.plannedStartAt ? { plannedStartAt: decision.plannedStartAt } : {}),
    ...(decision.carbonDriven ? { carbonDriven: true } : {}),
    instanceDecision: decision,
  };
}

/** Why a resource's configuration cannot be scheduled (RDS limits), or undefined. */
function typeLimit(resource: Resource): ResourceReasonStep | undefined {
  if (resource.type === 'rds-instance') return rdsInstanceLimit(resource);
  if (resource.type === 'rds-cluster') return dbClusterLimit(resource);
  return undefined;
}

const stoppedLike = (state: ResourceState) => state === 'stopped' || state === 'stopping';

/**
 * Decide one resource (pure). Never throws; a bad tag never acts (kind `invalid-tag`); an opt-out value is
 * reported as `opted-out` and never acted on; a configuration RDS cannot stop is `skipped` with the limit named.
 */
export function decideResource(input: DecideResourceInput): ResourceDecision {
  const { resource, config } = input;
  const tagValue = resource.tags[SCHEDULE_TAG];
  if (tagValue === undefined) {
    return notManaged(input, 'unmanaged', null, { rule: 'unmanaged.no-schedule-tag' });
  }
  const optOut = optOutValue(tagValue, config.resources.optOutValues);
  if (optOut !== undefined) return notManaged(input, 'opted-out', tagValue, { rule: 'opted-out', tag: tagValue });
  if (resource.type === 'ec2-instance') return decideEc2(input, resource);

  const what = RESOURCE_TYPE_NAMES[resource.type];
  const limit = typeLimit(resource);
  if (limit) return notManaged(input, 'skipped', tagValue, limit);
  if (resource.state === 'unavailable') {
    return notManaged(input, 'skipped', tagValue, { rule: 'skipped.unavailable', what, status: resource.status });
  }
  const resolution = input.registry.resolve(tagValue);
  if (!resolution.ok) {
    return notManaged(input, 'invalid-tag', tagValue, {
      rule: 'invalid.schedule-tag',
      tag: tagValue,
      why: resolution.reason,
    });
  }
  const schedule = resolution.schedule;
  let sizesFromTag: GroupSizes | undefined;
  if (resource.type === 'autoscaling-group' && resource.tags[SIZES_TAG] !== undefined) {
    const parsed = parseSizesTag(resource.tags[SIZES_TAG]!);
    if (!parsed.ok) {
      return notManaged(input, 'invalid-tag', schedule.name, {
        rule: 'invalid.sizes-tag',
        tag: resource.tags[SIZES_TAG]!,
        why: parsed.reason,
      });
    }
    sizesFromTag = parsed.sizes;
  }
  const startOrder = startOrderOf(resource, config.resources);
  if (startOrder && !startOrder.ok) {
    return notManaged(input, 'invalid-tag', schedule.name, {
      rule: 'invalid.start-order-tag',
      tag: resource.tags[START_ORDER_TAG] ?? '',
      why: startOrder.reason,
    });
  }

  const stored = input.stored;
  const maintenanceWindow =
    resource.type === 'rds-instance' || resource.type === 'rds-cluster'
      ? resource.preferredMaintenanceWindow
      : undefined;
  const desire = desiredForResource({
    schedule,
    tags: resource.tags,
    stoppedLike: stoppedLike(resource.state),
    ...(maintenanceWindow !== undefined ? { maintenanceWindow } : {}),
    ...(stored?.pause ? { storedPause: stored.pause } : {}),
    carbon: input.carbon,
    ...(input.forecast ? { forecast: input.forecast } : {}),
    config,
    evaluator: input.evaluator,
  });
  if (!desire.ok) return notManaged(input, 'invalid-tag', schedule.name, desire.step);
  const steps: ResourceReasonStep[] = [...desire.steps];
  let rule: ResourceRuleId = 'transition';

  if (resource.state === 'busy') {
    steps.push({ rule: 'state.busy', what, status: resource.status, known: isKnownRdsStatus(resource.status) });
  }
  const actual = lifecycleOf(resource.state)!;
  const observed: StoredState = resource.state === 'running' || resource.state === 'starting' ? 'running' : 'stopped';
  const transition = decideTransition({
    desired: desire.desired,
    stored: stored?.state ?? (desire.carbonDriven ? observed : undefined),
    actual,
    enforced: schedule.enforced,
    retainRunning: schedule.retainRunning,
    stopNewInstances: schedule.stopNewInstances,
    actualInstanceType: capacityOf(resource),
  });
  let action: ResourceAction = transition.action === 'resize' ? 'start' : transition.action;
  let newState: StoredState | undefined = transition.newStoredState;
  const row = (transition as { rule?: unknown }).rule;
  steps.push({ rule: 'transition', ...(typeof row === 'string' ? { row } : {}), detail: transition.reason });
  if (desire.maintenanceWindow !== undefined && action === 'none' && actual === 'stopped') {
    // Instance Scheduler starts a database for its maintenance window whatever it stored (as if enforced).
    action = 'start';
    newState = 'running';
    steps.push({ rule: 'maintenance.start', window: desire.maintenanceWindow });
    rule = 'maintenance.start';
  }

  // RDS starts a database that has been stopped for 7 days by itself: stop it again.
  if (
    (resource.type === 'rds-instance' || resource.type === 'rds-cluster') &&
    action === 'none' &&
    desire.desired === 'stopped'
  ) {
    const due = autoRestartDue(stored, input.evaluator.now);
    if (due && resource.state === 'running') {
      action = 'stop';
      newState = 'stopped';
      rule = 'rds.auto-restarted';
      steps.push({ rule: 'rds.auto-restarted', what, stoppedAt: due.stoppedAt, days: due.days });
    } else if (due && (resource.state === 'starting' || resource.state === 'busy')) {
      rule = 'rds.auto-restarting';
      steps.push({ rule: 'rds.auto-restarting', what, stoppedAt: due.stoppedAt, days: due.days });
    }
  }
  if (action === 'stop' && schedule.name === ALWAYS_ON) {
    action = 'none';
    newState = stored?.state ?? 'running';
    rule = 'always-on.never-stopped';
    steps.push({ rule: 'always-on.never-stopped' });
  }
  if (action !== 'none' && stored?.lastActionTick === input.tick) {
    steps.push({ rule: 'tick.already-acted', tick: input.tick, lastAction: stored.lastAction ?? 'an action' });
    rule = 'tick.already-acted';
    action = 'none';
    newState = stored.state;
  }

  let targetSizes: GroupSizes | undefined;
  let recordSizes: GroupSizes | undefined;
  if (resource.type === 'autoscaling-group') {
    const sizes = groupSizesDecision(resource, action, desire.desired, stored, sizesFromTag);
    targetSizes = sizes.targetSizes;
    recordSizes = sizes.recordSizes;
    if (sizes.step) steps.push(sizes.step);
    if (sizes.step && action !== 'none') rule = sizes.step.rule;
  }

  const pause: PauseState | undefined =
    action === 'start' && schedule.carbonPolicy === 'pause-when-dirty'
      ? { paused: false, since: input.evaluator.now.toISOString() }
      : desire.pause;
  return {
    ...base(input),
    schedule: schedule.name,
    desired: desire.desired,
    action,
    kind: 'managed',
    reason: { rule, steps },
    ...(newState ? { newState } : {}),
    ...(pause ? { pause } : {}),
    ...(desire.plannedStartAt ? { plannedStartAt: desire.plannedStartAt } : {}),
    ...(desire.carbonDriven ? { carbonDriven: true } : {}),
    ...(targetSizes ? { targetSizes } : {}),
    ...(recordSizes ? { recordSizes } : {}),
    ...(startOrder?.ok ? { startOrder: { application: startOrder.application, order: startOrder.order } } : {}),
  };
}

/** The application and order of a resource, from its tags and `resources.startOrder`; undefined without one. */
export function startOrderOf(
  resource: Resource,
  resources: ResourceDecisionConfig['resources'],
): { ok: true; application: string; order: number } | { ok: false; reason: string } | undefined {
  const application = resource.tags[resources.applicationTag]?.trim();
  const tag = resource.tags[START_ORDER_TAG];
  if (tag !== undefined) {
    const parsed = parseStartOrderTag(tag);
    if (!parsed.ok) return parsed;
    if (!application) return undefined;
    return { ok: true, application, order: parsed.order };
  }
  if (!application || !resources.startOrder) return undefined;
  const index = resources.startOrder.indexOf(resource.type);
  return { ok: true, application, order: index < 0 ? resources.startOrder.length : index };
}

/** The default sizes of a group started with nothing recorded and no sizes tag: min 1, desired 1, max ≥ 1. */
export function defaultStartSizes(current: GroupSizes): GroupSizes {
  return { min: 1, desired: 1, max: Math.max(1, current.max) };
}

/**
 * The sizes of an Auto Scaling group decision:
 * - `start`: the recorded sizes; else the `ScheduleSizes` tag; else min 1 / desired 1 / max ≥ 1, with a reason;
 * - `stop`: record the current sizes (restored at the next start), then 0-0-0;
 * - no action while wanted and running: a person's change of the sizes is kept and recorded (as are the sizes of
 *   a group seen for the first time).
 */
export function groupSizesDecision(
  group: AutoScalingGroupResource,
  action: ResourceAction,
  desired: DesiredState,
  stored: StoredResourceState | undefined,
  sizesFromTag: GroupSizes | undefined,
): {
  targetSizes?: GroupSizes;
  recordSizes?: GroupSizes;
  step?: Extract<ResourceReasonStep, { sizes: GroupSizes }> | Extract<ResourceReasonStep, { to: GroupSizes }>;
} {
  const current = group.sizes;
  if (action === 'start') {
    const recorded = stored?.sizes && stored.sizes.desired > 0 ? stored.sizes : undefined;
    if (recorded) return { targetSizes: recorded, step: { rule: 'asg.restore-recorded', sizes: recorded } };
    if (sizesFromTag) return { targetSizes: sizesFromTag, step: { rule: 'asg.restore-tag', sizes: sizesFromTag } };
    const sizes = defaultStartSizes(current);
    return { targetSizes: sizes, step: { rule: 'asg.restore-default', sizes } };
  }
  if (action === 'stop') {
    if (current.desired === 0 && current.min === 0) return {};
    return { recordSizes: current, step: { rule: 'asg.record-sizes', sizes: current } };
  }
  if (desired === 'running' && group.state === 'running' && !sameSizes(stored?.sizes, current)) {
    return {
      recordSizes: current,
      step: { rule: 'asg.sizes-changed', ...(stored?.sizes ? { from: stored.sizes } : {}), to: current },
    };
  }
  return {};
}

/** The schedules a set of resources names (for the forecast look-up: only `defer-start` needs one). */
export function schedulesOf(resources: readonly Resource[], registry: ScheduleRegistry): Schedule[] {
  const found = new Map<string, Schedule>();
  for (const resource of resources) {
    const tag = resource.tags[SCHEDULE_TAG];
    if (tag === undefined) continue;
    const resolved = registry.resolve(tag);
    if (resolved.ok) found.set(resolved.schedule.name, resolved.schedule);
  }
  return [...found.values()];
}

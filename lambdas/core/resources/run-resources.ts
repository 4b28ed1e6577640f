import type { PriceBook } from '../accounting/price-book';
import { type SchedulingEvent, schedulingEvent } from '../events/scheduling-events';
import type { ScheduleRegistry } from '../schedule';
import type { StoredState } from '../schedule/types';
import { errorCode, errorMessage } from '../scheduler/batch';
import type { CarbonInput } from '../scheduler/carbon-input';
import type { IntensityPoint } from '../scheduler/carbon-policy';
import type { Decision, DecisionConfig } from '../scheduler/decide-instance';
import { type InstanceFacts, SCHEDULE_TAG } from '../scheduler/instance-facts';
import type { SavingsIncrement, SavingsStore } from '../scheduler/ports';
import type { ExecutedDecision, RegionResult } from '../scheduler/region-types';
import type { ScheduleEvaluator } from '../scheduler/schedule-evaluator';
import { type RdsPriceBook, type ResourceHour, resourceHour } from './accounting';
import type { ResourcesConfig } from './config';
import { decideResource, type ResourceDecision, resourceCarbonSummary, startOrderOf } from './decide';
import { applyOrder, applyStartOrder } from './order';
import type {
  DatabaseFleet,
  GroupFleet,
  InformationTagger,
  ResourceHistoryEntry,
  ResourceStateRecord,
  ResourceStateStore,
  SchedulingEventSink,
} from './ports';
import { formatResourceReason, type ResourceReason } from './reason';
import { sizesText } from './tags';
import { ec2Resource, type GroupSizes, type Resource, resourceKey } from './types';

/**
 * RDS DB instances, DB clusters and Auto Scaling groups in the scheduler run, beside the EC2 instances
 * (docs/resources.md): per region, read (describe, stored state) → decide (pure, decideResource) → the start order
 * across the application, EC2 instances included → act (in start order, stops last order first) → next state and
 * savings → persist → one event per action and failure on the product's bus → informational tags (optional).
 * A dry run stops after the decisions. Nothing here throws: a failing describe, action, write, publish or tag is a
 * warning of the region (and the resource's `error`), as for EC2.
 */

/** Informational tag keys (written only with `resources.informationTags`). */
export const LAST_ACTION_TAG = 'ScheduleLastAction';
export const LAST_ERROR_TAG = 'ScheduleLastError';
/** Tag values are at most 256 characters. */
const TAG_VALUE_MAX = 256;

/** Ports of the resource part of a run; each fleet is optional (absent: that type is not scheduled). */
export interface ResourcePorts {
  readonly databases?: DatabaseFleet;
  readonly groups?: GroupFleet;
  readonly resourceStates: ResourceStateStore;
  /** The product's bus; absent: no events (e.g. a local run). */
  readonly events?: SchedulingEventSink;
  readonly rdsPrices: RdsPriceBook;
  /** With `resources.informationTags`. */
  readonly informationTagger?: InformationTagger;
  /** The account the run acts in (events name it when a resource's ARN does not). */
  readonly accountId?: string;
}

/** The region ports the resource part reads from the EC2 run's ports. */
interface SharedPorts {
  readonly prices: PriceBook;
  readonly savings?: SavingsStore;
}

/** A resource decision after execution. */
export interface ExecutedResourceDecision extends ResourceDecision {
  /** `ok` / `failed` after acting, `planned` in a dry run, absent for `none`. */
  readonly result?: 'ok' | 'failed' | 'planned';
  /** `<code>: <message>` of a failure. */
  readonly error?: string;
}

/** One plan entry of a resource other than an EC2 instance (the EC2 plan entry's fields, the id in `id`). */
export interface ResourcePlanLine {
  readonly resourceType: Exclude<ResourceDecision['resourceType'], 'ec2-instance'>;
  readonly id: string;
  /** Only EC2 entries have one (so code reading a mixed plan's `instanceId` compiles and finds none here). */
  readonly instanceId?: never;
  readonly region: string;
  /** DB instance class, a cluster's member classes, a group's instance types. */
  readonly instanceType: string;
  /** The service's status word, e.g. `available`, `stopped`, `1-2-4` for a group. */
  readonly status: string;
  readonly schedule: string | null;
  readonly desired: ResourceDecision['desired'];
  readonly action: ResourceDecision['action'];
  readonly kind: ResourceDecision['kind'];
  readonly rule: string;
  readonly reason: string;
  readonly carbon: { gCO2ePerKWh: number; provider: string; ageSeconds: number; origin: string };
  readonly result?: 'ok' | 'failed' | 'planned';
  readonly error?: string;
  readonly plannedStartAt?: string;
  readonly targetSizes?: GroupSizes;
  readonly recordSizes?: GroupSizes;
}

/** Calls and writes of the resource part of one region. */
export interface ResourceCalls {
  describe: number;
  start: number;
  stop: number;
  resourceWrites: number;
  events: number;
  eventFailures: number;
  tags: number;
}

/** The resource part of one region's run. */
export interface ResourceRegionResult {
  readonly decisions: ExecutedResourceDecision[];
  readonly plan: ResourcePlanLine[];
  readonly calls: ResourceCalls;
  readonly warnings: string[];
  readonly savings: SavingsIncrement;
  /** EC2 instances whose start waits for an earlier resource of their application (rule `order.wait`). */
  readonly heldInstances: string[];
}

/** A region's result with its resources. */
export type RegionResultWithResources = RegionResult & { readonly resources: ResourceRegionResult };

/** Input of {@link scheduleRegionWithResources}. */
export interface ResourceRegionInput {
  readonly region: string;
  readonly tick: string;
  readonly dryRun: boolean;
  readonly registry: ScheduleRegistry;
  readonly config: DecisionConfig & {
    readonly pueFor: (region: string) => number;
    readonly resources: ResourcesConfig;
  };
  readonly evaluator: ScheduleEvaluator;
  readonly carbon: CarbonInput;
  readonly forecast?: () => Promise<readonly IntensityPoint[] | undefined>;
  readonly ports: ResourcePorts & SharedPorts;
}

/**
 * The hook the EC2 run calls with its decisions (and the described instances) before acting: it returns the
 * decisions with the starts that must wait for an earlier resource of their application held.
 */
export type Ec2DecisionHook = (decisions: readonly Decision[], instances: readonly InstanceFacts[]) => Decision[];

const NO_SAVINGS: SavingsIncrement = { usd: 0, gCO2e: 0, kWh: 0, stoppedHours: 0 };
const HOUR_MS = 3_600_000;

/** The EC2 decision as a resource decision, for the start order and for its events. */
export function ec2AsResourceDecision(
  decision: Decision,
  instance: InstanceFacts | undefined,
  resources: ResourcesConfig,
  carbon: CarbonInput,
  decidedAt: string,
): ResourceDecision {
  const resource = instance ? ec2Resource(instance) : undefined;
  const order = resource ? startOrderOf(resource, resources) : undefined;
  const reason: ResourceReason = {
    rule: 'ec2.decision',
    steps: [{ rule: 'ec2.decision', detail: String(decision.reason) }],
  };
  return {
    resourceType: 'ec2-instance',
    id: decision.instanceId,
    region: decision.region,
    capacity: decision.instanceType,
    status: decision.currentState,
    state: resource?.state ?? 'unavailable',
    schedule: decision.schedule,
    desired: decision.desired,
    action: decision.action,
    kind: decision.kind,
    reason,
    carbon,
    decidedAt,
    ...(decision.newState ? { newState: decision.newState } : {}),
    ...(decision.carbonDriven ? { carbonDriven: true } : {}),
    ...(order?.ok ? { startOrder: { application: order.application, order: order.order } } : {}),
    instanceDecision: decision,
  };
}

/**
 * One region's run with its RDS DB instances, DB clusters and Auto Scaling groups. `runEc2` is the EC2 run of the
 * region, given the hook that applies the start order to its decisions; the resources are described and decided
 * first, acted on after the EC2 run. Never throws.
 */
export async function scheduleRegionWithResources(
  input: ResourceRegionInput,
  runEc2: (hook: Ec2DecisionHook) => Promise<RegionResult>,
): Promise<RegionResultWithResources> {
  const { region, ports, config } = input;
  const calls: ResourceCalls = {
    describe: 0,
    start: 0,
    stop: 0,
    resourceWrites: 0,
    events: 0,
    eventFailures: 0,
    tags: 0,
  };
  const warnings: string[] = [];
  const now = input.evaluator.now;
  const iso = now.toISOString();

  // 1. Read.
  const resources: Resource[] = [];
  if (ports.databases) {
    try {
      const described = await ports.databases.describe(region);
      calls.describe += described.calls;
      warnings.push(...described.errors);
      resources.push(...described.clusters, ...described.instances);
    } catch (error) {
      warnings.push(`databases not scheduled this run: describe failed: ${errorCode(error)}: ${errorMessage(error)}`);
    }
  }
  if (ports.groups) {
    try {
      const described = await ports.groups.describe(region);
      calls.describe += described.calls;
      warnings.push(...described.errors);
      resources.push(...described.groups);
    } catch (error) {
      warnings.push(
        `Auto Scaling groups not scheduled this run: describe failed: ${errorCode(error)}: ${errorMessage(error)}`,
      );
    }
  }
  let stored = new Map<string, ResourceStateRecord>();
  let readable = true;
  if (resources.length > 0) {
    try {
      stored = await ports.resourceStates.loadRegion(region);
    } catch (error) {
      // Without the stored state (recorded sizes, stop times) acting would be guesswork: decide nothing.
      readable = false;
      warnings.push(`resources not scheduled this run: state unreadable: ${errorMessage(error)}`);
    }
  }
  const scheduled = readable ? resources : [];
  let forecast: readonly IntensityPoint[] | undefined;
  if (input.forecast && scheduled.some((r) => usesDeferStart(r, input.registry))) {
    try {
      forecast = await input.forecast();
    } catch (error) {
      warnings.push(`forecast unavailable: ${errorMessage(error)}`);
    }
  }

  // 2. Decide (pure).
  const decided = scheduled.map((resource) => {
    const record = stored.get(resourceKey(resource));
    return decideResource({
      resource,
      registry: input.registry,
      ...(record ? { stored: record } : {}),
      carbon: input.carbon,
      ...(forecast ? { forecast } : {}),
      config,
      evaluator: input.evaluator,
      tick: input.tick,
    });
  });

  // 3. The start order over the application, EC2 included (the EC2 run calls the hook with its decisions).
  let ordered: ResourceDecision[] | undefined;
  const heldInstances: string[] = [];
  const hook: Ec2DecisionHook = (ec2Decisions, instances) => {
    const facts = new Map(instances.map((i) => [i.instanceId, i]));
    const ec2 = ec2Decisions.map((d) =>
      ec2AsResourceDecision(d, facts.get(d.instanceId), config.resources, input.carbon, iso),
    );
    const all = applyStartOrder([...decided, ...ec2]);
    ordered = all.slice(0, decided.length);
    return ec2Decisions.map((d, index) => {
      const after = all[decided.length + index]!;
      if (d.action === 'none' || after.action !== 'none') return d;
      heldInstances.push(d.instanceId);
      const wait = after.reason.steps.at(-1)!;
      const { newState: _n, targetInstanceType: _t, hibernate: _h, ...rest } = d;
      return {
        ...rest,
        action: 'none',
        reason: `${d.reason}; ${formatResourceReason({ rule: 'order.wait', steps: [wait] })}`,
      } as Decision;
    });
  };
  const ec2Result = await runEc2(hook);
  const decisions = ordered ?? applyStartOrder(decided);
  const byKey = new Map(scheduled.map((r) => [resourceKey(r), r]));

  const hourOf = (resource: Resource): ResourceHour =>
    resourceHour(resource, { ec2Prices: ports.prices, rdsPrices: ports.rdsPrices, pue: config.pueFor(region) });

  if (input.dryRun) {
    const planned = decisions.map(
      (d): ExecutedResourceDecision => (d.action === 'none' ? d : { ...d, result: 'planned' }),
    );
    return merge(ec2Result, {
      decisions: planned,
      plan: planned.map(planLine),
      calls,
      warnings,
      savings: NO_SAVINGS,
      heldInstances,
    });
  }

  // 4. Act: starts in start order, then stops last order first.
  const outcomes = new Map<string, { ok: true } | { ok: false; code: string; message: string }>();
  for (const decision of applyOrder(decisions)) {
    if (decision.action === 'none' || decision.kind !== 'managed') continue;
    const resource = byKey.get(resourceKey({ type: decision.resourceType, id: decision.id }))!;
    const key = resourceKey(resource);
    try {
      if (decision.action === 'start') calls.start += 1;
      else calls.stop += 1;
      await act(ports, resource, decision);
      outcomes.set(key, { ok: true });
    } catch (error) {
      outcomes.set(key, { ok: false, code: errorCode(error), message: errorMessage(error) });
    }
  }

  // 5. Next state and savings.
  const changed: ResourceStateRecord[] = [];
  const history: ResourceHistoryEntry[] = [];
  const executed: ExecutedResourceDecision[] = [];
  let savings = NO_SAVINGS;
  const events: SchedulingEvent[] = [];
  const tagWork: { resource: Parameters<InformationTagger['tag']>[0]; tags: Record<string, string> }[] = [];
  for (const decision of decisions) {
    const resource = byKey.get(resourceKey({ type: decision.resourceType, id: decision.id }))!;
    const key = resourceKey(resource);
    const previous = stored.get(key);
    const outcome = outcomes.get(key);
    if (decision.kind !== 'managed' || resource.type === 'ec2-instance') {
      executed.push(decision);
      continue;
    }
    const hour = hourOf(resource);
    let record: ResourceStateRecord = previous ?? {
      resourceType: resource.type,
      id: resource.id,
      region,
      schedule: decision.schedule ?? '',
      state: decision.newState ?? (resource.state === 'stopped' ? 'stopped' : 'running'),
      savedUsd: 0,
      savedKWh: 0,
      savedGCO2e: 0,
      stoppedHours: 0,
      firstSeenAt: iso,
      updatedAt: iso,
    };
    const before = record;
    record = {
      ...withoutPause(record),
      schedule: decision.schedule ?? record.schedule,
      ...(decision.pause ? { pause: decision.pause } : {}),
    };
    // Savings of the stopped stretch: the hours since the last accrual while it stayed stopped.
    if (record.stoppedAt && (resource.state === 'stopped' || resource.state === 'stopping')) {
      const accrued = accrue(record, now, hour, input.carbon.gCO2ePerKWh);
      record = accrued.record;
      savings = add(savings, accrued.increment);
    }
    let result: ExecutedResourceDecision['result'];
    let error: string | undefined;
    if (outcome) {
      const reasonText = formatResourceReason(decision.reason);
      result = outcome.ok ? 'ok' : 'failed';
      const failedState: StoredState = decision.action === 'stop' ? 'stop_failed' : 'start_failed';
      record = {
        ...record,
        state: outcome.ok ? (decision.newState ?? record.state) : failedState,
        lastAction: decision.action as 'start' | 'stop',
        lastActionAt: iso,
        lastActionTick: input.tick,
        lastRule: decision.reason.rule,
        lastReason: cut(reasonText, 2000),
      };
      if (outcome.ok) {
        const { lastError: _e, ...rest } = record;
        record = rest;
      } else {
        error = `${outcome.code}: ${outcome.message}`;
        record = { ...record, lastError: cut(error, 1000) };
      }
      if (outcome.ok && decision.action === 'stop') {
        record = { ...record, stoppedAt: iso, accruedUntil: iso };
        if (decision.recordSizes) record = { ...record, sizes: decision.recordSizes };
      }
      if (outcome.ok && decision.action === 'start') {
        const { stoppedAt: _s, accruedUntil: _a, ...rest } = record;
        record = rest;
      }
      const sizesBefore = resource.type === 'autoscaling-group' ? resource.sizes : undefined;
      history.push({
        resourceType: resource.type,
        id: resource.id,
        region,
        at: iso,
        action: decision.action as 'start' | 'stop',
        outcome: outcome.ok ? 'ok' : 'failed',
        schedule: decision.schedule ?? '',
        rule: decision.reason.rule,
        reason: cut(reasonText, 2000),
        ...(error ? { error } : {}),
        gCO2ePerKWh: input.carbon.gCO2ePerKWh,
        carbonProvider: input.carbon.provider,
        ...(sizesBefore
          ? {
              sizes: {
                from: sizesBefore,
                to: decision.action === 'start' && decision.targetSizes ? decision.targetSizes : ZERO,
              },
            }
          : {}),
      });
      events.push(
        schedulingEvent({
          decision,
          outcome,
          account: ports.accountId ?? decision.accountId ?? 'unknown',
          tick: input.tick,
          hour,
          ...(sizesBefore ? { sizesBefore } : {}),
        }),
      );
      if (config.resources.informationTags && ports.informationTagger) {
        tagWork.push({ resource, tags: informationTags(decision.action, iso, error) });
      }
    } else {
      if (decision.newState !== undefined) record = { ...record, state: decision.newState };
      // A person's change of a running group's sizes inside its period is kept for the next start.
      if (decision.recordSizes) record = { ...record, sizes: decision.recordSizes };
      if (record.stoppedAt && resource.state !== 'stopped' && resource.state !== 'stopping') {
        // Started by someone else (or by RDS after 7 days): the stretch ended.
        const { stoppedAt: _s, accruedUntil: _a, ...rest } = record;
        record = rest;
      }
    }
    if (changedRecord(before, record) || !previous) changed.push({ ...record, updatedAt: iso });
    executed.push({ ...decision, ...(result ? { result } : {}), ...(error ? { error } : {}) });
  }

  // EC2 actions are scheduling actions too: one event each.
  for (const d of ec2Result.decisions) {
    const executedEc2 = d as ExecutedDecision;
    if (d.action === 'none' || (executedEc2.result !== 'ok' && executedEc2.result !== 'failed')) continue;
    const decision = ec2AsResourceDecision(d, undefined, config.resources, input.carbon, iso);
    const failure = executedEc2.error ? splitError(executedEc2.error) : { code: 'Unknown', message: 'failed' };
    events.push(
      schedulingEvent({
        decision,
        outcome: executedEc2.result === 'ok' ? { ok: true } : { ok: false, ...failure },
        account: ports.accountId ?? 'unknown',
        tick: input.tick,
        hour: resourceHour(
          ec2Resource({
            instanceId: d.instanceId,
            region,
            instanceType: d.instanceType,
            state: d.currentState,
            tags: {},
            hibernationConfigured: d.hibernate === true,
          }),
          { ec2Prices: ports.prices, rdsPrices: ports.rdsPrices, pue: config.pueFor(region) },
        ),
        hibernated: d.action === 'stop' && d.hibernate === true && executedEc2.result === 'ok',
      }),
    );
    if (config.resources.informationTags && ports.informationTagger) {
      tagWork.push({
        resource: { type: 'ec2-instance', id: d.instanceId, region },
        tags: informationTags(
          d.action,
          iso,
          executedEc2.result === 'failed' ? (executedEc2.error ?? 'failed') : undefined,
        ),
      });
    }
  }

  // 6. Persist.
  if (changed.length > 0 || history.length > 0) {
    try {
      const written = await ports.resourceStates.saveRegion(region, { records: changed, history }, now);
      calls.resourceWrites = written.writes;
    } catch (error) {
      warnings.push(`resource state not recorded: ${errorMessage(error)}`);
    }
  }
  if (ports.savings && savings.stoppedHours > 0) {
    try {
      await ports.savings.add(iso.slice(0, 10), region, savings, now);
    } catch (error) {
      warnings.push(`daily savings of resources not recorded: ${errorMessage(error)}`);
    }
  }

  // 7. Events, then informational tags.
  if (ports.events && events.length > 0) {
    const report = await ports.events.publish(events);
    calls.events = report.published;
    calls.eventFailures = report.failed.length;
    if (report.failed.length > 0) {
      const first = report.failed[0]!;
      warnings.push(`${report.failed.length} scheduling event(s) not published: ${first.code}: ${first.message}`);
    }
  }
  for (const work of tagWork) {
    calls.tags += 1;
    try {
      await ports.informationTagger!.tag(work.resource, work.tags);
    } catch (error) {
      warnings.push(`${resourceKey(work.resource)}: information tags not written: ${errorMessage(error)}`);
    }
  }

  return merge(ec2Result, {
    decisions: executed,
    plan: executed.map(planLine),
    calls,
    warnings,
    savings,
    heldInstances,
  });
}

const ZERO: GroupSizes = { min: 0, desired: 0, max: 0 };

/** `ScheduleLastAction` (`stop 2026-11-23T17:00Z ok`) and, after a failure, `ScheduleLastError`. */
function informationTags(action: string, iso: string, error: string | undefined): Record<string, string> {
  const stamp = `${iso.slice(0, 16)}Z`;
  return {
    [LAST_ACTION_TAG]: cut(`${action} ${stamp} ${error ? 'failed' : 'ok'}`, TAG_VALUE_MAX),
    ...(error ? { [LAST_ERROR_TAG]: cut(`${stamp} ${tagSafe(error)}`, TAG_VALUE_MAX) } : {}),
  };
}

async function act(ports: ResourcePorts, resource: Resource, decision: ResourceDecision): Promise<void> {
  switch (resource.type) {
    case 'rds-instance':
      if (decision.action === 'start') await ports.databases!.startInstance(resource.region, resource.id);
      else await ports.databases!.stopInstance(resource.region, resource.id);
      return;
    case 'rds-cluster':
      if (decision.action === 'start') await ports.databases!.startCluster(resource.region, resource.id);
      else await ports.databases!.stopCluster(resource.region, resource.id);
      return;
    case 'autoscaling-group':
      await ports.groups!.updateSizes(
        resource.region,
        resource.id,
        decision.action === 'start' ? decision.targetSizes! : ZERO,
      );
      return;
    default:
      throw new Error(`${resource.type} is acted on by the EC2 run`);
  }
}

/** Add the hours since the last accrual of a stopped stretch: the hour figures estimated, the run's intensity. */
function accrue(
  record: ResourceStateRecord,
  now: Date,
  hour: ResourceHour,
  gCO2ePerKWh: number,
): { record: ResourceStateRecord; increment: SavingsIncrement } {
  const from = Date.parse(record.accruedUntil ?? record.stoppedAt!);
  const hours = Math.max(0, (now.getTime() - from) / HOUR_MS);
  if (hours === 0) return { record, increment: NO_SAVINGS };
  const usd = (hour.usdPerHour ?? 0) * hours;
  const kWh = (hour.kWhPerHour ?? 0) * hours;
  const gCO2e = kWh * gCO2ePerKWh;
  return {
    record: {
      ...record,
      accruedUntil: now.toISOString(),
      savedUsd: record.savedUsd + usd,
      savedKWh: record.savedKWh + kWh,
      savedGCO2e: record.savedGCO2e + gCO2e,
      stoppedHours: record.stoppedHours + hours,
    },
    increment: { usd, kWh, gCO2e, stoppedHours: hours },
  };
}

function add(a: SavingsIncrement, b: SavingsIncrement): SavingsIncrement {
  return {
    usd: a.usd + b.usd,
    gCO2e: a.gCO2e + b.gCO2e,
    kWh: a.kWh + b.kWh,
    stoppedHours: a.stoppedHours + b.stoppedHours,
  };
}

function withoutPause(record: ResourceStateRecord): ResourceStateRecord {
  const { pause: _p, ...rest } = record;
  return rest;
}

/** Whether a record differs from the stored one in anything but `updatedAt`. */
function changedRecord(a: ResourceStateRecord, b: ResourceStateRecord): boolean {
  const strip = ({ updatedAt: _u, ...rest }: ResourceStateRecord) => rest;
  return JSON.stringify(sortKeys(strip(a))) !== JSON.stringify(sortKeys(strip(b)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

function usesDeferStart(resource: Resource, registry: ScheduleRegistry): boolean {
  const tag = resource.tags[SCHEDULE_TAG];
  const resolved = tag === undefined ? undefined : registry.resolve(tag);
  return resolved?.ok === true && resolved.schedule.carbonPolicy === 'defer-start';
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Characters RDS and Auto Scaling accept in tag values (letters, digits, spaces and `_ . : / = + - @`). */
function tagSafe(text: string): string {
  return text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, ' ');
}

function splitError(text: string): { code: string; message: string } {
  const at = text.indexOf(': ');
  return at < 0 ? { code: text, message: text } : { code: text.slice(0, at), message: text.slice(at + 2) };
}

/** The plan line of a resource decision. */
export function planLine(decision: ExecutedResourceDecision): ResourcePlanLine {
  return {
    resourceType: decision.resourceType as ResourcePlanLine['resourceType'],
    id: decision.id,
    region: decision.region,
    instanceType: decision.capacity,
    status: decision.status,
    schedule: decision.schedule,
    desired: decision.desired,
    action: decision.action,
    kind: decision.kind,
    rule: decision.reason.rule,
    reason: formatResourceReason(decision.reason),
    carbon: (({ gCO2ePerKWh, provider, ageSeconds, origin }) => ({ gCO2ePerKWh, provider, ageSeconds, origin }))(
      resourceCarbonSummary(decision.carbon, new Date(decision.decidedAt)),
    ),
    ...(decision.result ? { result: decision.result } : {}),
    ...(decision.error ? { error: decision.error } : {}),
    ...(decision.plannedStartAt ? { plannedStartAt: decision.plannedStartAt } : {}),
    ...(decision.targetSizes ? { targetSizes: decision.targetSizes } : {}),
    ...(decision.recordSizes ? { recordSizes: decision.recordSizes } : {}),
  };
}

function merge(ec2: RegionResult, resources: ResourceRegionResult): RegionResultWithResources {
  return {
    ...ec2,
    warnings: [...ec2.warnings, ...resources.warnings],
    savings: add(ec2.savings, resources.savings),
    resources,
  };
}

/** A group's sizes as text (`min-desired-max`), re-exported for logs. */
export { sizesText };

import pLimit from 'p-limit';
import type { PriceBook } from '../accounting/price-book';
import type { ScheduleRegistry } from '../schedule';
import type { StoredState } from '../schedule/types';
import { type ActionFailure, errorCode, errorMessage, REGION_WIDE_ERROR_CODES, runBatched } from './batch';
import type { CarbonInput } from './carbon-input';
import type { IntensityPoint } from './carbon-policy';
import { type Decision, type DecisionConfig, decideInstance } from './decide-instance';
import { type InstanceFacts, SCHEDULE_TAG } from './instance-facts';
import type { HistoryEntry, InstanceStateRecord, RegionState } from './instance-state';
import { recordChanged } from './instance-state';
import type {
  AutoResizeSource,
  Fleet,
  InstanceStateStore,
  PendingResize,
  SavingsIncrement,
  SavingsStore,
} from './ports';
import { addSavings, advanceRegionRun, closeStretch, NO_SAVINGS, savingsOf, stoppedHoursSinceLastRun } from './savings';
import type { ScheduleEvaluator } from './schedule-evaluator';

/** ModifyInstanceAttribute calls in flight per region. */
const MODIFY_CONCURRENCY = 10;

/** A decision after execution: what happened. */
export interface ExecutedDecision extends Decision {
  /** `ok` / `failed` after acting, `planned` in a dry run, absent for `none`. */
  readonly result?: 'ok' | 'failed' | 'planned';
  /** `<code>: <message>` of a failure. */
  readonly error?: string;
  /** For `resize`: the new type did not start, so the old type was put back (counted as a resize error). */
  readonly resizeReverted?: boolean;
}

/** API calls and writes of one region's run. */
export interface RegionCalls {
  describe: number;
  start: number;
  stop: number;
  modify: number;
  instanceWrites: number;
}

/** The outcome of one region. */
export interface RegionResult {
  readonly region: string;
  readonly decisions: ExecutedDecision[];
  /** Problems that did not stop the region (unreadable instances, rightsizing store, savings write). */
  readonly warnings: string[];
  /** Set when the region failed as a whole (e.g. DescribeInstances denied); other regions still ran. */
  readonly error?: string;
  readonly calls: RegionCalls;
  /** Savings added to the day's totals by this run. */
  readonly savings: SavingsIncrement;
}

/** Ports used by a region's run. */
export interface RegionPorts {
  readonly fleet: Fleet;
  readonly states: InstanceStateStore;
  readonly savings?: SavingsStore;
  readonly prices: PriceBook;
  /** Fetch prices ahead of the synchronous `prices` lookups (e.g. the Price List API book's `prefetch`). */
  readonly prefetchPrices?: (pairs: readonly { region: string; instanceType: string }[]) => Promise<unknown>;
  readonly rightsizing?: AutoResizeSource;
}

/** Input of {@link executeRegion}. */
export interface RegionRunInput {
  readonly region: string;
  readonly tick: string;
  readonly dryRun: boolean;
  readonly registry: ScheduleRegistry;
  readonly config: DecisionConfig & { readonly pueFor: (region: string) => number };
  readonly evaluator: ScheduleEvaluator;
  readonly carbon: CarbonInput;
  /** The region's forecast, asked only when an instance of the region uses `defer-start`. */
  readonly forecast?: () => Promise<readonly IntensityPoint[] | undefined>;
  readonly ports: RegionPorts;
  /** Called once per instance with its final decision (structured logs). */
  readonly log?: (decision: ExecutedDecision) => void;
  /** Applied to the decisions before acting: the start order across an application (lambdas/core/resources). */
  readonly adjustDecisions?: (decisions: readonly Decision[], instances: readonly InstanceFacts[]) => Decision[];
}

interface Outcome {
  ok: boolean;
  reverted?: boolean;
  failure?: ActionFailure;
  notes: string[];
  /** Type the instance has after the action. */
  finalType: string;
  history: HistoryEntry[];
}

const failureText = (failure: ActionFailure) => `${failure.code}: ${failure.message}`;

/**
 * Run one region: describe the tagged instances, load their stored state (one Query), decide each one, and unless
 * `dryRun`, act (resizes, then batched starts and stops with bisecting retries, hibernate as its own batch), write
 * the changed records and history, and add the savings of the instances the scheduler keeps stopped.
 * Never throws: a failing region returns `error`.
 */
export async function executeRegion(input: RegionRunInput): Promise<RegionResult> {
  const { region, ports } = input;
  const calls: RegionCalls = { describe: 0, start: 0, stop: 0, modify: 0, instanceWrites: 0 };
  const warnings: string[] = [];
  const now = input.evaluator.now;
  try {
    const described = await ports.fleet.describe(region);
    calls.describe = described.calls;
    warnings.push(...described.errors);
    const state: RegionState = await ports.states.loadRegion(region);
    let pending: ReadonlyMap<string, PendingResize> = new Map();
    if (ports.rightsizing) {
      try {
        pending = await ports.rightsizing.pendingAutoResizes(region);
      } catch (error) {
        warnings.push(`rightsizing recommendations unavailable, no auto resize this run: ${errorMessage(error)}`);
      }
    }
    const facts = new Map(described.instances.map((i) => [i.instanceId, i]));
    let forecast: readonly IntensityPoint[] | undefined;
    const needsForecast = described.instances.some((i) => {
      const tag = i.tags[SCHEDULE_TAG];
      const resolved = tag === undefined ? undefined : input.registry.resolve(tag);
      return resolved?.ok === true && resolved.schedule.carbonPolicy === 'defer-start';
    });
    if (needsForecast && input.forecast) {
      try {
        forecast = await input.forecast();
      } catch (error) {
        warnings.push(`forecast unavailable: ${errorMessage(error)}`);
      }
    }
    const decided = described.instances.map((instance) => {
      const resize = pending.get(instance.instanceId);
      return decideInstance({
        instance,
        registry: input.registry,
        stored: state.instances.get(instance.instanceId),
        carbon: input.carbon,
        ...(forecast ? { forecast } : {}),
        config: input.config,
        evaluator: input.evaluator,
        tick: input.tick,
        ...(resize ? { pendingResize: resize } : {}),
      });
    });
    const decisions = input.adjustDecisions ? input.adjustDecisions(decided, described.instances) : decided;

    if (input.dryRun) {
      const planned = decisions.map((d): ExecutedDecision => (d.action === 'none' ? d : { ...d, result: 'planned' }));
      for (const d of planned) input.log?.(d);
      return { region, decisions: planned, warnings, calls, savings: NO_SAVINGS };
    }

    const outcomes = await act(input, decisions, calls);

    if (ports.prefetchPrices) {
      const types = new Set<string>();
      for (const record of state.instances.values()) if (record.stoppedAt) types.add(record.instanceType);
      try {
        await ports.prefetchPrices([...types].map((instanceType) => ({ region, instanceType })));
      } catch (error) {
        warnings.push(`prices unavailable, using the bundled snapshot: ${errorMessage(error)}`);
      }
    }

    // State, history and savings.
    const pue = input.config.pueFor(region);
    const { run } = advanceRegionRun(state.run, region, now, input.tick, input.carbon.gCO2ePerKWh);
    let savings = NO_SAVINGS;
    const changed: InstanceStateRecord[] = [];
    const history: HistoryEntry[] = [];
    const executed: ExecutedDecision[] = [];
    const iso = now.toISOString();
    for (const decision of decisions) {
      const stored = state.instances.get(decision.instanceId);
      const outcome = outcomes.get(decision.instanceId);
      const instance = facts.get(decision.instanceId)!;
      if (decision.kind !== 'managed') {
        executed.push(decision);
        continue;
      }
      const actuallyStopped = instance.state === 'stopped';
      const hours = stoppedHoursSinceLastRun(stored, actuallyStopped, state.run, now, input.tick);
      if (hours > 0 && stored) {
        const s = savingsOf({
          instanceType: stored.instanceType,
          region,
          hours,
          gCO2ePerKWh: input.carbon.gCO2ePerKWh,
          pue,
          prices: ports.prices,
        });
        savings = addSavings(savings, s.increment);
        if (s.note) warnings.push(`${decision.instanceId}: savings: ${s.note}`);
      }
      if (!stored && !outcome && decision.newState === undefined) {
        // Never seen and in a transient state: nothing to remember yet.
        executed.push(decision);
        continue;
      }
      let record = baseRecord(stored, decision, instance.instanceType, iso);
      let result: ExecutedDecision['result'];
      let error: string | undefined;
      let reason = decision.reason;
      if (outcome) {
        history.push(...outcome.history);
        if (outcome.notes.length > 0) reason = `${reason}; ${outcome.notes.join('; ')}`;
        result = outcome.ok ? 'ok' : 'failed';
        const failedState: StoredState = decision.action === 'stop' ? 'stop_failed' : 'start_failed';
        record = {
          ...record,
          instanceType: outcome.finalType,
          state: outcome.ok ? (decision.newState ?? record.state) : failedState,
          lastAction: decision.action as 'start' | 'stop' | 'resize',
          lastActionAt: iso,
          lastActionTick: input.tick,
          lastReason: reason,
        };
        if (outcome.ok) {
          const { lastError: _e, ...rest } = record;
          record = rest;
        } else if (outcome.failure) {
          error = failureText(outcome.failure);
          record = { ...record, lastError: error };
        }
        if (outcome.ok && decision.action === 'stop') {
          record = { ...record, stoppedAt: iso, intensityHoursAtStop: run.intensityHours };
        }
        if (outcome.ok && decision.action !== 'stop') {
          record = closeStretch(record, now, run.intensityHours, pue, ports.prices);
        }
      } else if (record.stoppedAt && !actuallyStopped && instance.state !== 'stopping') {
        // A person started an instance the scheduler had stopped: the stretch ended at the latest at the last run.
        const endAt = state.run ? new Date(state.run.lastRunAt) : now;
        record = closeStretch(record, endAt, state.run?.intensityHours ?? run.intensityHours, pue, ports.prices);
      }
      if (recordChanged(stored, record)) changed.push(record);
      const final: ExecutedDecision = {
        ...decision,
        reason,
        ...(result ? { result } : {}),
        ...(error ? { error } : {}),
        ...(outcome?.reverted ? { resizeReverted: true } : {}),
      };
      executed.push(final);
    }
    for (const d of executed) input.log?.(d);

    const written = await ports.states.saveRegion(region, { instances: changed, history, run }, now);
    calls.instanceWrites = written.instanceWrites;
    if (ports.savings && (savings.stoppedHours > 0 || savings.usd > 0)) {
      try {
        await ports.savings.add(iso.slice(0, 10), region, savings, now);
      } catch (err) {
        warnings.push(`daily savings not recorded: ${errorMessage(err)}`);
      }
    }
    return { region, decisions: executed, warnings, calls, savings };
  } catch (error) {
    return {
      region,
      decisions: [],
      warnings,
      error: `${errorCode(error)}: ${errorMessage(error)}`,
      calls,
      savings: NO_SAVINGS,
    };
  }
}

/** The record before applying this run's outcome: stored, or a fresh one for a first sight. */
function baseRecord(
  stored: InstanceStateRecord | undefined,
  decision: Decision,
  instanceType: string,
  iso: string,
): InstanceStateRecord {
  const base: InstanceStateRecord = stored ?? {
    instanceId: decision.instanceId,
    region: decision.region,
    schedule: decision.schedule ?? '',
    instanceType,
    state: decision.newState ?? 'stopped',
    savedUsd: 0,
    savedGCO2e: 0,
    savedKWh: 0,
    stoppedHours: 0,
    firstSeenAt: iso,
    updatedAt: iso,
  };
  const { pause: _p, ...withoutPause } = base;
  return {
    ...withoutPause,
    schedule: decision.schedule ?? base.schedule,
    state: decision.newState ?? base.state,
    // The type is refreshed at actions only, so a resize by hand does not churn the item every run.
    instanceType: stored ? stored.instanceType : instanceType,
    ...(decision.pause ? { pause: decision.pause } : {}),
    updatedAt: iso,
  };
}

/**
 * Perform the actions of a region's decisions: resizes (ModifyInstanceAttribute) first, then one StartInstances
 * batch for starts and resized instances, reverting the type and starting again where a resized instance fails to
 * start; then StopInstances, hibernating instances in their own batch (a failed hibernation falls back to a normal
 * stop).
 */
async function act(
  input: RegionRunInput,
  decisions: readonly Decision[],
  calls: RegionCalls,
): Promise<Map<string, Outcome>> {
  const { region, ports } = input;
  const { fleet } = ports;
  const now = input.evaluator.now;
  const iso = now.toISOString();
  const outcomes = new Map<string, Outcome>();
  const byId = new Map(decisions.map((d) => [d.instanceId, d]));
  const entry = (
    d: Decision,
    action: HistoryEntry['action'],
    failure: ActionFailure | undefined,
    extra: Partial<HistoryEntry> = {},
  ): HistoryEntry => ({
    region,
    instanceId: d.instanceId,
    at: iso,
    action,
    outcome: failure ? 'failed' : 'ok',
    schedule: d.schedule ?? '',
    instanceType: d.instanceType,
    reason: d.reason,
    ...(failure ? { error: failureText(failure) } : {}),
    gCO2ePerKWh: d.carbon.gCO2ePerKWh,
    carbonProvider: d.carbon.provider,
    ...extra,
  });

  // 1. Resizes.
  const resizes = decisions.filter((d) => d.action === 'resize' && d.targetInstanceType);
  const resized = new Set<string>();
  const limit = pLimit(MODIFY_CONCURRENCY);
  await Promise.all(
    resizes.map((d) =>
      limit(async () => {
        const outcome: Outcome = { ok: false, notes: [], finalType: d.instanceType, history: [] };
        outcomes.set(d.instanceId, outcome);
        calls.modify += 1;
        try {
          await fleet.modifyInstanceType(region, d.instanceId, d.targetInstanceType!);
          resized.add(d.instanceId);
          outcome.finalType = d.targetInstanceType!;
          outcome.history.push(entry(d, 'resize', undefined, { targetInstanceType: d.targetInstanceType! }));
        } catch (error) {
          const failure = { code: errorCode(error), message: errorMessage(error) };
          outcome.notes.push(
            `resize to ${d.targetInstanceType} failed (${failureText(failure)}); starting as ${d.instanceType}`,
          );
          outcome.history.push(entry(d, 'resize', failure, { targetInstanceType: d.targetInstanceType! }));
          if (d.resizeSource === 'rightsizing') {
            await markReverted(input, d, now, `ModifyInstanceAttribute failed: ${failureText(failure)}`);
          }
        }
      }),
    ),
  );

  // 2. Starts (including resized instances).
  const startIds = decisions.filter((d) => d.action === 'start' || d.action === 'resize').map((d) => d.instanceId);
  const started = await runBatched(startIds, (ids) => fleet.start(region, ids));
  calls.start += started.calls;
  for (const id of started.succeeded) {
    const d = byId.get(id)!;
    const outcome = outcomes.get(id) ?? { ok: false, notes: [], finalType: d.instanceType, history: [] };
    outcome.ok = true;
    outcome.history.push(entry(d, 'start', undefined));
    outcomes.set(id, outcome);
    if (resized.has(id) && d.resizeSource === 'rightsizing') {
      try {
        await ports.rightsizing?.markApplied(region, id, now, {
          fromInstanceType: d.instanceType,
          toInstanceType: d.targetInstanceType!,
          ...(d.recommendationId ? { recommendationId: d.recommendationId } : {}),
        });
      } catch (error) {
        outcome.notes.push(`recommendation not marked applied: ${errorMessage(error)}`);
      }
    }
  }
  const revertIds: string[] = [];
  for (const [id, failure] of started.failed) {
    const d = byId.get(id)!;
    const outcome = outcomes.get(id) ?? { ok: false, notes: [], finalType: d.instanceType, history: [] };
    outcomes.set(id, outcome);
    outcome.failure = failure;
    outcome.history.push(entry(d, 'start', failure));
    if (resized.has(id) && !REGION_WIDE_ERROR_CODES.has(failure.code)) {
      // The new type did not start (e.g. InsufficientInstanceCapacity, Unsupported): go back to the old type.
      calls.modify += 1;
      try {
        await fleet.modifyInstanceType(region, id, d.instanceType);
        outcome.finalType = d.instanceType;
        outcome.reverted = true;
        outcome.notes.push(
          `start as ${d.targetInstanceType} failed (${failureText(failure)}); reverted to ${d.instanceType}`,
        );
        outcome.history.push(entry(d, 'revert', undefined, { targetInstanceType: d.instanceType }));
        revertIds.push(id);
        if (d.resizeSource === 'rightsizing') {
          await markReverted(
            input,
            d,
            now,
            `StartInstances as ${d.targetInstanceType} failed: ${failureText(failure)}`,
          );
        }
      } catch (error) {
        const revertFailure = { code: errorCode(error), message: errorMessage(error) };
        outcome.notes.push(
          `start as ${d.targetInstanceType} failed (${failureText(failure)}); reverting to ${d.instanceType} failed ` +
            `(${failureText(revertFailure)})`,
        );
        outcome.history.push(entry(d, 'revert', revertFailure, { targetInstanceType: d.instanceType }));
      }
    } else {
      outcome.notes.push(`start failed (${failureText(failure)}); retried next run`);
    }
  }
  if (revertIds.length > 0) {
    const restarted = await runBatched(revertIds, (ids) => fleet.start(region, ids));
    calls.start += restarted.calls;
    for (const id of restarted.succeeded) {
      const outcome = outcomes.get(id)!;
      outcome.ok = true;
      delete outcome.failure;
      outcome.notes.push(`started as ${byId.get(id)!.instanceType}`);
      outcome.history.push(entry(byId.get(id)!, 'start', undefined));
    }
    for (const [id, failure] of restarted.failed) {
      const outcome = outcomes.get(id)!;
      outcome.failure = failure;
      outcome.notes.push(
        `start as ${byId.get(id)!.instanceType} failed too (${failureText(failure)}); retried next run`,
      );
      outcome.history.push(entry(byId.get(id)!, 'start', failure));
    }
  }

  // 3. Stops: hibernating instances in their own batch; a failed hibernation falls back to a normal stop.
  const stops = decisions.filter((d) => d.action === 'stop');
  const hibernateIds = stops.filter((d) => d.hibernate).map((d) => d.instanceId);
  const stopIds = stops.filter((d) => !d.hibernate).map((d) => d.instanceId);
  const hibernated = await runBatched(hibernateIds, (ids) => fleet.stop(region, ids, { hibernate: true }));
  calls.stop += hibernated.calls;
  for (const id of hibernated.succeeded) {
    outcomes.set(id, {
      ok: true,
      notes: ['hibernated'],
      finalType: byId.get(id)!.instanceType,
      history: [entry(byId.get(id)!, 'hibernate', undefined)],
    });
  }
  const fallbackIds: string[] = [];
  for (const [id, failure] of hibernated.failed) {
    const d = byId.get(id)!;
    const outcome: Outcome = {
      ok: false,
      failure,
      notes: [],
      finalType: d.instanceType,
      history: [entry(d, 'hibernate', failure)],
    };
    outcomes.set(id, outcome);
    if (REGION_WIDE_ERROR_CODES.has(failure.code)) {
      outcome.notes.push(`hibernate failed (${failureText(failure)}); retried next run`);
    } else {
      outcome.notes.push(`hibernate failed (${failureText(failure)}); stopping without hibernation`);
      fallbackIds.push(id);
    }
  }
  const stopped = await runBatched([...stopIds, ...fallbackIds], (ids) =>
    fleet.stop(region, ids, { hibernate: false }),
  );
  calls.stop += stopped.calls;
  for (const id of stopped.succeeded) {
    const d = byId.get(id)!;
    const outcome = outcomes.get(id) ?? { ok: false, notes: [], finalType: d.instanceType, history: [] };
    outcome.ok = true;
    delete outcome.failure;
    outcome.history.push(entry(d, 'stop', undefined));
    outcomes.set(id, outcome);
  }
  for (const [id, failure] of stopped.failed) {
    const d = byId.get(id)!;
    const outcome = outcomes.get(id) ?? { ok: false, notes: [], finalType: d.instanceType, history: [] };
    outcome.ok = false;
    outcome.failure = failure;
    outcome.notes.push(`stop failed (${failureText(failure)}); retried next run`);
    outcome.history.push(entry(d, 'stop', failure));
    outcomes.set(id, outcome);
  }
  return outcomes;
}

async function markReverted(input: RegionRunInput, d: Decision, now: Date, reason: string): Promise<void> {
  try {
    await input.ports.rightsizing?.markReverted(input.region, d.instanceId, now, reason);
  } catch {
    // The recommendation stays pending; the next scheduled start tries again.
  }
}

import type { PriceBook } from '../accounting/price-book';
import type { StoredState } from '../schedule/types';
import { type ApplyContext, CARRIED_NOTE, failureText, type Outcome } from './apply-decisions';
import type { Decision } from './decide-instance';
import type { InstanceFacts } from './instance-facts';
import type { HistoryEntry, InstanceStateRecord, RegionRunRecord } from './instance-state';
import { recordChanged } from './instance-state';
import type { SavingsIncrement } from './ports';
import type { ExecutedDecision } from './region-types';
import { addSavings, closeStretch, NO_SAVINGS, savingsOf, stoppedHoursSinceLastRun } from './savings';

/** Inputs of {@link nextRegionState}: all data. */
export interface NextStateInput {
  readonly region: string;
  readonly tick: string;
  readonly now: Date;
  /** The region's intensity this run, gCO2e/kWh. */
  readonly gCO2ePerKWh: number;
  readonly pue: number;
  readonly prices: PriceBook;
  readonly instances: readonly InstanceFacts[];
  /** The stored records as reconciliation left them. */
  readonly stored: ReadonlyMap<string, InstanceStateRecord>;
  /** Instances whose record reconciliation changed: written even if this run changes nothing else. */
  readonly recovered?: ReadonlySet<string>;
  /** The region's run record as loaded (before this run). */
  readonly previousRun: RegionRunRecord | undefined;
  /** This run's run record (from `advanceRegionRun`). */
  readonly run: RegionRunRecord;
  readonly decisions: readonly Decision[];
  readonly outcomes: ReadonlyMap<string, Outcome>;
}

/** What the region's state becomes after this run: what persist writes and what the run reports. */
export interface NextState {
  /** Records that changed (only those are written). */
  readonly changed: InstanceStateRecord[];
  readonly history: HistoryEntry[];
  readonly executed: ExecutedDecision[];
  /** Savings of the instances the scheduler kept stopped since the last run, for the day's totals. */
  readonly savings: SavingsIncrement;
  readonly warnings: string[];
}

/** The context the apply step records on its intents, from this run's run record. */
export function applyContext(run: RegionRunRecord): ApplyContext {
  return { intensityHours: run.intensityHours };
}

/**
 * The `next state` step (pure): for every decision and what applying it did, the instance's next record (state,
 * last action, error, the savings stretch a stop opens or a start closes, a stretch a person ended by starting the
 * instance), its history entries, the executed decision with its result, and the savings of instances kept stopped
 * since the last run. A decision the run deadline kept back (`carried`) changes nothing but its result.
 */
export function nextRegionState(input: NextStateInput): NextState {
  const { region, now, tick, run, pue, prices } = input;
  const iso = now.toISOString();
  const facts = new Map(input.instances.map((i) => [i.instanceId, i]));
  let savings = NO_SAVINGS;
  const changed: InstanceStateRecord[] = [];
  const history: HistoryEntry[] = [];
  const executed: ExecutedDecision[] = [];
  const warnings: string[] = [];
  for (const decision of input.decisions) {
    const stored = input.stored.get(decision.instanceId);
    const outcome = input.outcomes.get(decision.instanceId);
    const instance = facts.get(decision.instanceId)!;
    if (decision.kind !== 'managed') {
      executed.push(decision);
      continue;
    }
    const actuallyStopped = instance.state === 'stopped';
    const hours = stoppedHoursSinceLastRun(stored, actuallyStopped, input.previousRun, now, tick);
    if (hours > 0 && stored) {
      const s = savingsOf({
        instanceType: stored.instanceType,
        region,
        hours,
        gCO2ePerKWh: input.gCO2ePerKWh,
        pue,
        prices,
      });
      savings = addSavings(savings, s.increment);
      if (s.note) warnings.push(`${decision.instanceId}: savings: ${s.note}`);
    }
    const recovered = input.recovered?.has(decision.instanceId) === true;
    if (outcome?.carried) {
      if (stored && recovered) changed.push(stored);
      executed.push({ ...decision, reason: `${decision.reason}; ${CARRIED_NOTE}`, result: 'carried' });
      continue;
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
        lastActionTick: tick,
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
        record = closeStretch(record, now, run.intensityHours, pue, prices);
      }
    } else if (record.stoppedAt && !actuallyStopped && instance.state !== 'stopping') {
      // A person started an instance the scheduler had stopped: the stretch ended at the latest at the last run.
      const endAt = input.previousRun ? new Date(input.previousRun.lastRunAt) : now;
      record = closeStretch(record, endAt, input.previousRun?.intensityHours ?? run.intensityHours, pue, prices);
    }
    if (recovered || recordChanged(stored, record)) changed.push(record);
    executed.push({
      ...decision,
      reason,
      ...(result ? { result } : {}),
      ...(error ? { error } : {}),
      ...(outcome?.reverted ? { resizeReverted: true } : {}),
    });
  }
  return { changed, history, executed, savings, warnings };
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

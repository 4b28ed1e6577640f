import type { PriceBook } from '../accounting/price-book';
import type { InstanceFacts } from './instance-facts';
import type { ActionIntent, HistoryEntry, InstanceStateRecord, IntendedAction, RegionState } from './instance-state';
import type { SavingsIncrement } from './ports';
import { addSavings, closeStretch, NO_SAVINGS, savingsOf } from './savings';

const MS_PER_HOUR = 3_600_000;

/** What reconciling the unsettled intents of earlier runs gives the run (docs/scheduler.md, "Durability"). */
export interface Reconciliation {
  /** The stored records with every recovered action applied: what the decisions of this run start from. */
  readonly instances: ReadonlyMap<string, InstanceStateRecord>;
  /** Instances whose record reconciliation changed (written by this run even if its own decision changes nothing). */
  readonly recovered: ReadonlySet<string>;
  /** One history entry per recovered action, at the time of the intent. */
  readonly history: readonly HistoryEntry[];
  /** Ids of the intents settled (deleted with this run's state write). */
  readonly settled: readonly string[];
  /** Intended actions EC2 does not show as done (the action failed or was undone): not recorded, said here. */
  readonly warnings: readonly string[];
  /**
   * Savings of the stretches a recovered start closed, from the last recorded run to the start: the run that
   * started the instance never added them to the day's totals, and this run no longer sees the instance stopped.
   */
  readonly savings: SavingsIncrement;
}

/** Inputs of {@link reconcileIntents}; all data. */
export interface ReconcileInput {
  readonly region: string;
  readonly state: RegionState;
  /** The instances as EC2 describes them now. */
  readonly instances: readonly InstanceFacts[];
  /** The region's intensity now, gCO2e/kWh (prices the stopped hours before a recovered start). */
  readonly gCO2ePerKWh: number;
  readonly pue: number;
  readonly prices: PriceBook;
}

const RECOVERED_NOTE = "recorded from the run's intent: its state write did not happen";

/** EC2 states in which an intended action shows as having taken effect. */
function tookEffect(action: IntendedAction, state: InstanceFacts['state']): boolean {
  return action.action === 'stop'
    ? state === 'stopped' || state === 'stopping'
    : state === 'running' || state === 'pending';
}

function freshRecord(region: string, action: IntendedAction, at: string): InstanceStateRecord {
  return {
    instanceId: action.instanceId,
    region,
    schedule: action.schedule,
    instanceType: action.instanceType,
    state: action.action === 'stop' ? 'stopped' : 'running',
    savedUsd: 0,
    savedGCO2e: 0,
    savedKWh: 0,
    stoppedHours: 0,
    firstSeenAt: at,
    updatedAt: at,
  };
}

/**
 * Settle the intents earlier runs left (pure). An intended action is recovered when the instance's record does not
 * show it (`lastActionAt` before the intent) and EC2 shows it took effect (stopped or stopping after a stop, running
 * or pending after a start): its record gets the action at the intent's time (a stop opens a savings stretch at
 * the intent's intensity integral, a start closes one), and its history entry is written. An action EC2 does not
 * show is not recorded and named in `warnings`. Every intent is settled either way.
 */
export function reconcileIntents(input: ReconcileInput): Reconciliation {
  const { region, state } = input;
  const intents = [...(state.intents ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  const instances = new Map(state.instances);
  const facts = new Map(input.instances.map((i) => [i.instanceId, i]));
  const recovered = new Set<string>();
  const history: HistoryEntry[] = [];
  const warnings: string[] = [];
  let savings = NO_SAVINGS;
  for (const intent of intents) {
    for (const action of intent.actions) {
      const stored = instances.get(action.instanceId);
      if (stored?.lastActionAt !== undefined && stored.lastActionAt >= intent.at) continue;
      const instance = facts.get(action.instanceId);
      if (!instance || !tookEffect(action, instance.state)) {
        warnings.push(
          `${action.instanceId}: ${action.action} intended at ${intent.at} not seen in EC2 ` +
            `(${instance ? `now ${instance.state}` : 'not described'}); not recorded`,
        );
        continue;
      }
      const record = recoverAction(input, intent, action, stored, instance);
      if (action.action === 'start' && stored?.stoppedAt) {
        const from = Math.max(Date.parse(stored.stoppedAt), state.run ? Date.parse(state.run.lastRunAt) : 0);
        const hours = Math.max(0, Date.parse(intent.at) - from) / MS_PER_HOUR;
        const s = savingsOf({
          instanceType: stored.instanceType,
          region,
          hours,
          gCO2ePerKWh: input.gCO2ePerKWh,
          pue: input.pue,
          prices: input.prices,
        });
        savings = addSavings(savings, s.increment);
      }
      instances.set(action.instanceId, record);
      recovered.add(action.instanceId);
      history.push({
        region,
        instanceId: action.instanceId,
        at: intent.at,
        action: action.action === 'stop' && action.hibernate ? 'hibernate' : action.action,
        outcome: 'ok',
        schedule: action.schedule,
        instanceType: action.instanceType,
        reason: `${action.reason}; ${RECOVERED_NOTE}`,
        gCO2ePerKWh: action.gCO2ePerKWh,
        carbonProvider: action.carbonProvider,
      });
    }
  }
  return { instances, recovered, history, settled: intents.map((i) => i.id), warnings, savings };
}

function recoverAction(
  input: ReconcileInput,
  intent: ActionIntent,
  action: IntendedAction,
  stored: InstanceStateRecord | undefined,
  instance: InstanceFacts,
): InstanceStateRecord {
  const base = stored ?? freshRecord(input.region, action, intent.at);
  const { lastError: _e, pause: _p, ...rest } = base;
  const acted: InstanceStateRecord = {
    ...rest,
    schedule: action.schedule,
    instanceType: action.instanceType,
    state: action.action === 'stop' ? 'stopped' : 'running',
    lastAction: action.action,
    lastActionAt: intent.at,
    lastActionTick: intent.tick,
    lastReason: `${action.reason}; ${RECOVERED_NOTE}`,
    ...(action.pause ? { pause: action.pause } : base.pause ? { pause: base.pause } : {}),
    updatedAt: intent.at,
  };
  if (action.action === 'stop') {
    return acted.stoppedAt ? acted : { ...acted, stoppedAt: intent.at, intensityHoursAtStop: intent.intensityHours };
  }
  // The stretch is priced at the type the instance was stopped as; a resize's start then records the new type.
  const closed = closeStretch(
    { ...acted, instanceType: base.instanceType },
    new Date(intent.at),
    intent.intensityHours,
    input.pue,
    input.prices,
  );
  // The type EC2 reports: a resize whose new type did not start was reverted.
  return { ...closed, instanceType: instance.instanceType };
}

import pLimit from 'p-limit';
import {
  type ActionFailure,
  errorCode,
  errorMessage,
  MAX_IDS_PER_CALL,
  REGION_WIDE_ERROR_CODES,
  runBatched,
} from './batch';
import type { Decision } from './decide-instance';
import type { HistoryEntry, IntendedAction } from './instance-state';
import { type RegionCalls, RegionPhaseError, type RegionRunInput } from './region-types';

/** ModifyInstanceAttribute calls in flight per region. */
const MODIFY_CONCURRENCY = 10;
/** Intended actions per intent item (an item holds at most 400 KB; one action is about 300 bytes). */
const ACTIONS_PER_INTENT = 500;
/** Note of an action the run deadline kept back. */
export const CARRIED_NOTE = 'not sent before the run deadline; carried to the next tick';

/** What the `apply` step did to one instance. */
export interface Outcome {
  ok: boolean;
  reverted?: boolean;
  /** The run deadline came before the action was sent: nothing was done, the next tick decides again. */
  carried?: boolean;
  failure?: ActionFailure;
  notes: string[];
  /** Type the instance has after the action. */
  finalType: string;
  history: HistoryEntry[];
}

/** What the `apply` step did: an outcome per acting instance, and the ids of the intents it recorded first. */
export interface Applied {
  readonly outcomes: Map<string, Outcome>;
  readonly intentIds: readonly string[];
}

/** What the apply step needs besides the decisions: the values its intent records. */
export interface ApplyContext {
  /** The region's intensity integral of this run (gCO2e/kWh × h), recorded on the intent. */
  readonly intensityHours: number;
}

export const failureText = (failure: ActionFailure) => `${failure.code}: ${failure.message}`;

async function recordIntents(
  input: RegionRunInput,
  acting: readonly Decision[],
  at: string,
  context: ApplyContext,
): Promise<string[]> {
  const ids: string[] = [];
  const actions = acting.map(
    (d): IntendedAction => ({
      instanceId: d.instanceId,
      action: d.action === 'stop' ? 'stop' : 'start',
      ...(d.action === 'stop' && d.hibernate ? { hibernate: true } : {}),
      schedule: d.schedule ?? '',
      instanceType: d.action === 'resize' && d.targetInstanceType ? d.targetInstanceType : d.instanceType,
      reason: d.reason,
      ...(d.pause ? { pause: d.pause } : {}),
      gCO2ePerKWh: d.carbon.gCO2ePerKWh,
      carbonProvider: d.carbon.provider,
    }),
  );
  for (let i = 0; i < actions.length; i += ACTIONS_PER_INTENT) {
    const id = `${at}#${i / ACTIONS_PER_INTENT + 1}`;
    await input.ports.states.recordIntent(input.region, {
      id,
      at,
      tick: input.tick,
      intensityHours: context.intensityHours,
      ...(input.fence !== undefined ? { fence: input.fence } : {}),
      actions: actions.slice(i, i + ACTIONS_PER_INTENT),
    });
    ids.push(id);
  }
  return ids;
}

/**
 * Perform the actions of a region's decisions: resizes (ModifyInstanceAttribute) first, then one StartInstances
 * batch for starts and resized instances, reverting the type and starting again where a resized instance fails to
 * start; then StopInstances, hibernating instances in their own batch (a failed hibernation falls back to a normal
 * stop). First the intent of every action is recorded (a failure to record it throws in phase `persist` before
 * anything is sent); when the run deadline passes, what is not yet sent is `carried`.
 */
export async function applyDecisions(
  input: RegionRunInput,
  decisions: readonly Decision[],
  calls: RegionCalls,
  context: ApplyContext,
): Promise<Applied> {
  const { region, ports } = input;
  const { fleet } = ports;
  const now = input.evaluator.now;
  const iso = now.toISOString();
  const outcomes = new Map<string, Outcome>();
  const byId = new Map(decisions.map((d) => [d.instanceId, d]));
  const clock = ports.clock ?? Date.now;
  const proceed = () => input.deadline === undefined || clock() < input.deadline;
  const carry = (d: Decision, reason?: string) =>
    outcomes.set(d.instanceId, {
      ok: false,
      carried: true,
      notes: [reason === undefined ? CARRIED_NOTE : `${reason}; carried to the next tick`],
      finalType: d.instanceType,
      history: [],
    });

  const acting = decisions.filter((d) => d.action !== 'none');
  if (acting.length === 0) return { outcomes, intentIds: [] };
  if (!proceed()) {
    for (const d of acting) carry(d);
    return { outcomes, intentIds: [] };
  }
  // 0. The intent, before the first action: a run that acts and then cannot record is reconciled by the next one.
  let intentIds: string[];
  try {
    intentIds = await recordIntents(input, acting, iso, context);
  } catch (error) {
    throw new RegionPhaseError('persist', error);
  }
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
        if (!proceed()) {
          carry(d);
          return;
        }
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
  const startIds = decisions
    .filter((d) => (d.action === 'start' || d.action === 'resize') && !outcomes.get(d.instanceId)?.carried)
    .map((d) => d.instanceId);
  const started = await runBatched(startIds, (ids) => fleet.start(region, ids), MAX_IDS_PER_CALL, proceed);
  calls.start += started.calls;
  for (const id of started.skipped) carry(byId.get(id)!, started.carriedReason);
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
  const hibernated = await runBatched(
    hibernateIds,
    (ids) => fleet.stop(region, ids, { hibernate: true }),
    MAX_IDS_PER_CALL,
    proceed,
  );
  calls.stop += hibernated.calls;
  for (const id of hibernated.skipped) carry(byId.get(id)!, hibernated.carriedReason);
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
  const stopped = await runBatched(
    [...stopIds, ...fallbackIds],
    (ids) => fleet.stop(region, ids, { hibernate: false }),
    MAX_IDS_PER_CALL,
    proceed,
  );
  calls.stop += stopped.calls;
  for (const id of stopped.skipped) {
    const d = byId.get(id)!;
    const earlier = outcomes.get(id);
    if (earlier) {
      // A hibernation that failed and whose fallback stop the deadline kept back: the failure stands.
      earlier.notes.push(CARRIED_NOTE);
    } else carry(d, stopped.carriedReason);
  }
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
  return { outcomes, intentIds };
}

async function markReverted(input: RegionRunInput, d: Decision, now: Date, reason: string): Promise<void> {
  try {
    await input.ports.rightsizing?.markReverted(input.region, d.instanceId, now, reason);
  } catch {
    // The recommendation stays pending; the next scheduled start tries again.
  }
}

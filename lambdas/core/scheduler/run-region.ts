import { applyDecisions } from './apply-decisions';
import { errorCode, errorMessage } from './batch';
import type { Decision } from './decide-instance';
import { decideRegion } from './decide-region';
import { applyContext, nextRegionState } from './next-state';
import { persistRegion } from './persist-region';
import { readRegion } from './read-region';
import { reconcileIntents } from './reconcile-intents';
import {
  type ExecutedDecision,
  inPhase,
  type RegionCalls,
  RegionPhaseError,
  type RegionResult,
  type RegionRunInput,
} from './region-types';
import { addSavings, advanceRegionRun, NO_SAVINGS } from './savings';
import { screenPendingResizes } from './screen-resizes';

/**
 * Run one region as a pipeline (docs/scheduler.md, "The run as a pipeline"): read (describe the tagged instances,
 * load the stored state) → reconcile earlier intents and decide (pure) → apply (intent, then resizes, starts and
 * stops) → next state (pure) → persist (records, history, run record, day's savings). A dry run stops after
 * deciding. Never throws: a failing region returns `error` with the `phase` that failed; when the failure comes
 * after actions were sent (phase `persist`), the executed decisions are still returned, and the intent left in
 * the table lets the next run record them.
 */
export async function runRegion(input: RegionRunInput): Promise<RegionResult> {
  const { region, ports } = input;
  const calls: RegionCalls = { describe: 0, start: 0, stop: 0, modify: 0, instanceWrites: 0 };
  const warnings: string[] = [];
  const now = input.evaluator.now;
  let executed: ExecutedDecision[] = [];
  try {
    const described = await inPhase('describe', () => readRegion(input, calls));
    warnings.push(...described.warnings);
    const pending = await inPhase('decide', () =>
      screenPendingResizes(input, described.pending, described.instances, warnings),
    );
    const reading = { ...described, pending };
    const pue = input.config.pueFor(region);
    const reconciled = await inPhase('decide', () =>
      reconcileIntents({
        region,
        state: reading.state,
        instances: reading.instances,
        gCO2ePerKWh: input.carbon.gCO2ePerKWh,
        pue,
        prices: ports.prices,
      }),
    );
    warnings.push(...reconciled.warnings);
    const decided: Decision[] = await inPhase('decide', () => decideRegion(input, reading, reconciled.instances));
    const decisions = input.adjustDecisions ? input.adjustDecisions(decided, reading.instances) : decided;

    if (input.dryRun) {
      const planned = decisions.map((d): ExecutedDecision => (d.action === 'none' ? d : { ...d, result: 'planned' }));
      for (const d of planned) input.log?.(d);
      return { region, decisions: planned, warnings, calls, savings: NO_SAVINGS };
    }

    const { run } = advanceRegionRun(reading.state.run, region, now, input.tick, input.carbon.gCO2ePerKWh);
    const { outcomes, intentIds } = await inPhase('apply', () =>
      applyDecisions(input, decisions, calls, applyContext(run)),
    );

    if (ports.prefetchPrices) {
      const types = new Set<string>();
      for (const record of reconciled.instances.values()) if (record.stoppedAt) types.add(record.instanceType);
      try {
        await ports.prefetchPrices([...types].map((instanceType) => ({ region, instanceType })));
      } catch (error) {
        warnings.push(`prices unavailable, using the bundled snapshot: ${errorMessage(error)}`);
      }
    }

    const next = await inPhase('persist', () =>
      nextRegionState({
        region,
        tick: input.tick,
        now,
        gCO2ePerKWh: input.carbon.gCO2ePerKWh,
        pue,
        prices: ports.prices,
        instances: reading.instances,
        stored: reconciled.instances,
        recovered: reconciled.recovered,
        previousRun: reading.state.run,
        run,
        decisions,
        outcomes,
      }),
    );
    executed = next.executed;
    warnings.push(...next.warnings);
    for (const d of executed) input.log?.(d);
    const carried = executed.filter((d) => d.result === 'carried').length;
    if (carried > 0) {
      warnings.push(`run deadline reached: ${carried} action(s) not sent, carried to the next tick`);
    }

    const savings = addSavings(next.savings, reconciled.savings);
    warnings.push(
      ...(await inPhase('persist', () =>
        persistRegion(
          input,
          {
            changed: next.changed,
            history: [...reconciled.history, ...next.history],
            run,
            settledIntents: [...reconciled.settled, ...intentIds],
            savings,
          },
          calls,
        ),
      )),
    );
    return { region, decisions: executed, warnings, calls, savings, ...(carried > 0 ? { carried } : {}) };
  } catch (error) {
    const phase = error instanceof RegionPhaseError ? error.phase : 'describe';
    const cause = error instanceof RegionPhaseError ? error.cause : error;
    return {
      region,
      decisions: executed,
      warnings,
      error: `${errorCode(cause)}: ${errorMessage(cause)}`,
      phase,
      calls,
      savings: NO_SAVINGS,
    };
  }
}

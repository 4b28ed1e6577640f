import { errorMessage } from './batch';
import type { HistoryEntry, InstanceStateRecord, RegionRunRecord } from './instance-state';
import type { SavingsIncrement } from './ports';
import type { RegionCalls, RegionRunInput } from './region-types';

/** What the `persist` step writes for one region. */
export interface RegionWrite {
  readonly changed: readonly InstanceStateRecord[];
  readonly history: readonly HistoryEntry[];
  readonly run: RegionRunRecord;
  /** Intents this write settles: earlier runs' (reconciled) and this run's own. */
  readonly settledIntents: readonly string[];
  /** The day's savings of this run (added after the state is written). */
  readonly savings: SavingsIncrement;
}

/**
 * The `persist` step: the changed records, history, run record and settled intents in one `saveRegion` (each item
 * fenced with the run's token when it has one), then the day's savings. The state write failing throws (the region
 * fails in phase `persist`; its intents stay for the next run); the savings write failing is a warning, since the
 * state already says what happened.
 * @returns warnings
 */
export async function persistRegion(input: RegionRunInput, write: RegionWrite, calls: RegionCalls): Promise<string[]> {
  const { region, ports } = input;
  const now = input.evaluator.now;
  const written = await ports.states.saveRegion(
    region,
    {
      instances: write.changed,
      history: write.history,
      run: write.run,
      ...(write.settledIntents.length > 0 ? { settledIntents: write.settledIntents } : {}),
      ...(input.fence !== undefined ? { fence: input.fence } : {}),
    },
    now,
  );
  calls.instanceWrites = written.instanceWrites;
  const warnings: string[] = [];
  const { savings } = write;
  if (ports.savings && (savings.stoppedHours > 0 || savings.usd > 0)) {
    try {
      await ports.savings.add(now.toISOString().slice(0, 10), region, savings, now);
    } catch (error) {
      warnings.push(`daily savings not recorded: ${errorMessage(error)}`);
    }
  }
  return warnings;
}

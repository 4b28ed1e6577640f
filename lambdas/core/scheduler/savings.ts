import type { PriceBook } from '../accounting/price-book';
import { stoppedSavings } from '../accounting/savings';
import type { InstanceStateRecord, RegionRunRecord } from './instance-state';
import type { SavingsIncrement } from './ports';

/**
 * Savings accounting of the scheduler (docs/accounting.md), designed so a run writes per region, not per instance:
 * - every run adds, per region, the instance-hours each instance the scheduler stopped spent stopped since the
 *   previous run (or since it was stopped), priced at the region's on-demand price and current intensity, to the
 *   day's totals (`SAVINGS#<day>` / `<region>`, one atomic ADD per region and run);
 * - each region keeps the running integral of its intensity over time (`intensityHours`, gCO2e/kWh × h); an
 *   instance remembers the integral when stopped, so when its stretch closes (it runs again) its own totals get the
 *   stretch's hours, dollars and the emissions at the stretch's time-weighted mean intensity, with one write.
 */

const MS_PER_HOUR = 3_600_000;

/** An all-zero increment. */
export const NO_SAVINGS: SavingsIncrement = Object.freeze({ usd: 0, gCO2e: 0, kWh: 0, stoppedHours: 0 });

/** Sum of two increments. */
export function addSavings(a: SavingsIncrement, b: SavingsIncrement): SavingsIncrement {
  return {
    usd: a.usd + b.usd,
    gCO2e: a.gCO2e + b.gCO2e,
    kWh: a.kWh + b.kWh,
    stoppedHours: a.stoppedHours + b.stoppedHours,
  };
}

/** The region's run record after this run: hours since the previous run and the advanced intensity integral. */
export function advanceRegionRun(
  previous: RegionRunRecord | undefined,
  region: string,
  now: Date,
  tick: string,
  gCO2ePerKWh: number,
): { run: RegionRunRecord; elapsedHours: number } {
  const sameTick = previous?.lastTick === tick;
  const elapsedMs = previous && !sameTick ? Math.max(0, now.getTime() - Date.parse(previous.lastRunAt)) : 0;
  const elapsedHours = Number.isFinite(elapsedMs) ? elapsedMs / MS_PER_HOUR : 0;
  const base = previous?.intensityHours ?? 0;
  return {
    run: {
      region,
      lastRunAt: sameTick && previous ? previous.lastRunAt : now.toISOString(),
      lastTick: tick,
      intensityHours: base + gCO2ePerKWh * elapsedHours,
    },
    elapsedHours,
  };
}

/**
 * Hours the instance was stopped by the scheduler since the previous run: `now − max(stoppedAt, lastRunAt)`, or 0 when
 * the scheduler did not stop it, it is not stopped now, or the tick was already processed.
 */
export function stoppedHoursSinceLastRun(
  record: InstanceStateRecord | undefined,
  actuallyStopped: boolean,
  previous: RegionRunRecord | undefined,
  now: Date,
  tick: string,
): number {
  if (!record?.stoppedAt || !actuallyStopped || previous?.lastTick === tick) return 0;
  const from = Math.max(Date.parse(record.stoppedAt), previous ? Date.parse(previous.lastRunAt) : 0);
  const ms = now.getTime() - from;
  return Number.isFinite(ms) && ms > 0 ? ms / MS_PER_HOUR : 0;
}

/**
 * Savings of an instance type stopped `hours` at `gCO2ePerKWh` (see `stoppedSavings`). An instance type the energy
 * model does not know still counts its dollars; its energy and emissions count as 0 and `note` says why.
 */
export function savingsOf(input: {
  readonly instanceType: string;
  readonly region: string;
  readonly hours: number;
  readonly gCO2ePerKWh: number;
  readonly pue: number;
  readonly prices: PriceBook;
}): { increment: SavingsIncrement; note?: string } {
  if (input.hours <= 0) return { increment: NO_SAVINGS };
  const price = input.prices.usdPerHour(input.region, input.instanceType);
  try {
    const s = stoppedSavings({
      instanceType: input.instanceType,
      region: input.region,
      hours: input.hours,
      gCO2ePerKWh: Math.max(0, input.gCO2ePerKWh),
      pue: input.pue,
      price,
    });
    return {
      increment: { usd: s.usd, gCO2e: s.gCO2e, kWh: s.kWh, stoppedHours: input.hours },
      ...(s.priced ? {} : { note: `no on-demand price for ${input.instanceType} in ${input.region}` }),
    };
  } catch (error) {
    return {
      increment: { usd: (price?.usdPerHour ?? 0) * input.hours, gCO2e: 0, kWh: 0, stoppedHours: input.hours },
      note: (error as Error).message,
    };
  }
}

/**
 * Close the open stretch of a record (the instance runs again): add its hours, dollars, kWh and emissions at the
 * stretch's mean intensity `(integralNow − integralAtStop) / hours` to the record's totals.
 * @param endAt when the stretch ended (now when the scheduler starts it; the last run when a person did)
 * @param integralAtEnd the region's intensity integral at `endAt`
 */
export function closeStretch(
  record: InstanceStateRecord,
  endAt: Date,
  integralAtEnd: number,
  pue: number,
  prices: PriceBook,
): InstanceStateRecord {
  if (!record.stoppedAt) return record;
  const hours = Math.max(0, endAt.getTime() - Date.parse(record.stoppedAt)) / MS_PER_HOUR;
  const meanG = hours > 0 ? Math.max(0, integralAtEnd - (record.intensityHoursAtStop ?? integralAtEnd)) / hours : 0;
  const { increment } = savingsOf({
    instanceType: record.instanceType,
    region: record.region,
    hours,
    gCO2ePerKWh: meanG,
    pue,
    prices,
  });
  const { stoppedAt: _s, intensityHoursAtStop: _i, ...rest } = record;
  return {
    ...rest,
    savedUsd: record.savedUsd + increment.usd,
    savedGCO2e: record.savedGCO2e + increment.gCO2e,
    savedKWh: record.savedKWh + increment.kWh,
    stoppedHours: record.stoppedHours + increment.stoppedHours,
  };
}

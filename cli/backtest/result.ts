/**
 * The result of a backtest: one JSON object (`carbon-scheduler backtest --json`), stable so that other tools
 * (`carbon-scheduler report`) can read it as a backtest result file. Version {@link BACKTEST_SCHEMA_VERSION}.
 *
 * Definitions (docs/backtest.md), for every scenario:
 * - `baselineIntensity`, `policyIntensity`, `oracleIntensity` — mean gCO2e/kWh of the executed job-time (time-weighted);
 * - `baselineGCO2e`, `policyGCO2e`, `oracleGCO2e` — emissions, grams CO2e = kWh of the executed time × intensity;
 * - `savingsPercent` = (baseline − policy) ÷ baseline × 100 of the emissions; for `shift` and `dispatch` the
 *   job-time is the same in all three, so this is also the reduction of the mean intensity; for `pause` the paused
 *   hours use no energy, so it is the share of the baseline's emissions avoided;
 * - `oracleSavingsPercent` the same for the oracle;
 * - `shareOfOracle` = policy savings ÷ oracle savings (grams), null when the oracle saves nothing.
 */

/** Version of the JSON shape; bumped when a field changes meaning or is removed. */
export const BACKTEST_SCHEMA_VERSION = 1;

/** The backtest scenarios. */
export const SCENARIOS = ['shift', 'dispatch', 'pause'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The three emissions of a scenario and the savings derived from them. */
export interface BacktestTotals {
  /** Jobs simulated (`pause`: decision steps, i.e. trace points). */
  readonly jobs: number;
  /** Hours of job-time of the baseline (`pause`: hours simulated). */
  readonly jobHours: number;
  /** Mean gCO2e/kWh of the executed time; null when nothing ran. */
  readonly baselineIntensity: number | null;
  readonly policyIntensity: number | null;
  readonly oracleIntensity: number | null;
  /** Grams CO2e. */
  readonly baselineGCO2e: number;
  readonly policyGCO2e: number;
  readonly oracleGCO2e: number;
  /** Percent of the baseline's emissions saved by the policy; null when the baseline is 0. */
  readonly savingsPercent: number | null;
  readonly oracleSavingsPercent: number | null;
  /** Policy savings ÷ oracle savings; null when the oracle saves nothing. */
  readonly shareOfOracle: number | null;
}

/** One local day (in the backtest's time zone) of a scenario, for charts. */
export interface DailyRow {
  /** `YYYY-MM-DD` in the backtest's time zone. */
  readonly date: string;
  readonly jobs: number;
  /** Hours of baseline job-time that day. */
  readonly hours: number;
  readonly baselineGCO2e: number;
  readonly policyGCO2e: number;
  readonly oracleGCO2e: number;
  /** `pause` only: hours the policy paused that day. */
  readonly hoursPaused?: number;
}

/** Savings figures from the three emissions (grams). */
export function savingsFigures(
  baselineGCO2e: number,
  policyGCO2e: number,
  oracleGCO2e: number,
): Pick<BacktestTotals, 'savingsPercent' | 'oracleSavingsPercent' | 'shareOfOracle'> {
  const percent = (saved: number) => (baselineGCO2e > 0 ? (saved / baselineGCO2e) * 100 : null);
  const policySaved = baselineGCO2e - policyGCO2e;
  const oracleSaved = baselineGCO2e - oracleGCO2e;
  // Differences below a billionth of the baseline are float noise, not savings.
  const epsilon = Math.abs(baselineGCO2e) * 1e-9;
  return {
    savingsPercent: percent(policySaved),
    oracleSavingsPercent: percent(oracleSaved),
    shareOfOracle: oracleSaved > epsilon ? policySaved / oracleSaved : null,
  };
}

/** One number for each of the three runs. */
export interface PerRun {
  readonly baseline: number;
  readonly policy: number;
  readonly oracle: number;
}

/**
 * The totals every scenario reports (docs/backtest.md), from running sums.
 *
 * @param jobs jobs simulated (`pause`: decision steps)
 * @param jobHours hours of baseline job-time
 * @param intensitySums Σ gCO2e/kWh over the executed job-time of each run (one term per job or step)
 * @param intensityCounts how many terms each sum has (a paused step is not executed, so `pause` counts fewer)
 * @param kWhPerTerm energy of one term, kWh (grams = sum × kWh)
 */
export function backtestTotals(
  jobs: number,
  jobHours: number,
  intensitySums: PerRun,
  intensityCounts: PerRun,
  kWhPerTerm: number,
): BacktestTotals {
  const mean = (sum: number, count: number) => (count > 0 ? sum / count : null);
  const grams = {
    baseline: intensitySums.baseline * kWhPerTerm,
    policy: intensitySums.policy * kWhPerTerm,
    oracle: intensitySums.oracle * kWhPerTerm,
  };
  return {
    jobs,
    jobHours,
    baselineIntensity: mean(intensitySums.baseline, intensityCounts.baseline),
    policyIntensity: mean(intensitySums.policy, intensityCounts.policy),
    oracleIntensity: mean(intensitySums.oracle, intensityCounts.oracle),
    baselineGCO2e: grams.baseline,
    policyGCO2e: grams.policy,
    oracleGCO2e: grams.oracle,
    ...savingsFigures(grams.baseline, grams.policy, grams.oracle),
  };
}

/** Accumulates emissions per local day. */
export class DailyAccumulator {
  private readonly rows = new Map<
    string,
    { jobs: number; hours: number; baseline: number; policy: number; oracle: number; paused: number }
  >();

  constructor(private readonly dayOf: (atMs: number) => string) {}

  add(
    atMs: number,
    entry: { jobs: number; hours: number; baseline: number; policy: number; oracle: number; paused?: number },
  ): void {
    const date = this.dayOf(atMs);
    let row = this.rows.get(date);
    if (!row) {
      row = { jobs: 0, hours: 0, baseline: 0, policy: 0, oracle: 0, paused: 0 };
      this.rows.set(date, row);
    }
    row.jobs += entry.jobs;
    row.hours += entry.hours;
    row.baseline += entry.baseline;
    row.policy += entry.policy;
    row.oracle += entry.oracle;
    row.paused += entry.paused ?? 0;
  }

  /** Rows sorted by date; `withPaused` adds `hoursPaused`. */
  toRows(withPaused = false): DailyRow[] {
    return [...this.rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([date, row]) => ({
        date,
        jobs: row.jobs,
        hours: row.hours,
        baselineGCO2e: row.baseline,
        policyGCO2e: row.policy,
        oracleGCO2e: row.oracle,
        ...(withPaused ? { hoursPaused: row.paused } : {}),
      }));
  }
}

/**
 * The evaluated period `[fromMs, toMs)` (`--from`/`--to`), epoch ms; either bound optional. Data before it is still
 * known to the policy (history for `persistence`, state of `pause`), but only jobs and steps inside it are counted.
 */
export interface Period {
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** Progress callback of the long simulations: `done` of `total` units (jobs or steps). */
export type ProgressCallback = (done: number, total: number) => void;

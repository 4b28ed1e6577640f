import type { DispatchResult } from './dispatch';
import type { PauseResult } from './pause';
import type { BACKTEST_SCHEMA_VERSION } from './result';
import type { ShiftResult } from './shift';

/**
 * The document `carbon-scheduler backtest --json` prints (and `--html` charts): what was run, on which data, and
 * the scenario's result. Shape version {@link BACKTEST_SCHEMA_VERSION}; see docs/backtest.md for every field.
 */

/** One trace file read. */
export interface TraceFileInfo {
  /** Path as given on the command line. */
  readonly file: string;
  /** `generic` (`datetime,zone,carbon_intensity`) or `electricitymaps-export`. */
  readonly format: string;
  readonly zones: string[];
  /** Data rows read. */
  readonly rows: number;
}

/** How the energy of an hour of job or instance time was computed (docs/accounting.md). */
export interface EnergyBasis {
  readonly instanceType: string;
  /** Region of the PUE (and, for `pause`, of the price); null when none was given (default PUE). */
  readonly region: string | null;
  readonly pue: number;
  /** kWh drawn from the grid per hour of running, PUE included. */
  readonly kWhPerHour: number;
}

/** Run settings common to every scenario. */
export interface BacktestRun {
  readonly schemaVersion: typeof BACKTEST_SCHEMA_VERSION;
  /** `perfect`, `persistence`, `latest` or `noise:PCT`. */
  readonly forecast: string;
  /** Seed of the noise (`noise:PCT` only; otherwise null). */
  readonly seed: number | null;
  readonly lagMinutes: number;
  /** IANA zone of `--start`, `--from`/`--to` and the daily rows. */
  readonly timezone: string;
  readonly traces: TraceFileInfo[];
  /** Evaluated period: first interval start and last interval end, ISO-8601 UTC. */
  readonly period: { readonly from: string; readonly to: string };
  /** Step of the trace, minutes. */
  readonly stepMinutes: number;
  readonly energy: EnergyBasis;
  /** Scenario settings as understood (durations in minutes). */
  readonly settings: Record<string, unknown>;
  /** Things the user should know (fallbacks, skipped days, unknown price). */
  readonly notes: string[];
}

/** The whole document. */
export type BacktestReport = BacktestRun & (ShiftResult | DispatchResult | PauseResult);

/**
 * A copy of `value` with every non-integer number rounded to 6 significant digits (JSON output stays readable
 * and stable across platforms; the computation itself is not rounded).
 */
export function roundNumbers<T>(value: T): T {
  if (typeof value === 'number') {
    return (Number.isInteger(value) || !Number.isFinite(value) ? value : Number(value.toPrecision(6))) as T;
  }
  if (Array.isArray(value)) return value.map((item) => roundNumbers(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, roundNumbers(item)])) as T;
  }
  return value;
}

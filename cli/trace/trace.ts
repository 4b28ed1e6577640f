import type { TraceIssue } from './quality';

/**
 * Carbon intensity traces: historical (or synthetic) time series of grid carbon intensity per zone, used by the
 * `plan --carbon trace:FILE` CLI and the backtest. Times are epoch milliseconds (UTC), values gCO2e/kWh.
 */

/** One zone's series, sorted by time, without duplicate timestamps. */
export class TraceSeries {
  /**
   * @param zone grid zone id as written in the trace (e.g. `DE`, `US-MIDA-PJM`)
   * @param times start of each interval, epoch ms, strictly increasing
   * @param values carbon intensity of each interval, gCO2e/kWh (same length as `times`)
   * @param stepMs the series' regular step (smallest gap between two points), ms; `Infinity` for a single point
   */
  constructor(
    readonly zone: string,
    readonly times: Float64Array,
    readonly values: Float64Array,
    readonly stepMs: number,
  ) {}

  /** Number of points. */
  get length(): number {
    return this.times.length;
  }

  /** First and last interval start, epoch ms (undefined for an empty series). */
  get span(): { startMs: number; endMs: number } | undefined {
    if (this.times.length === 0) return undefined;
    return { startMs: this.times[0]!, endMs: this.times[this.times.length - 1]! + this.stepMs };
  }

  /**
   * Index of the point whose interval contains `atMs` (the last point at or before it, if `atMs` falls before the
   * next point and within one step of it), or -1 when `atMs` is before the trace, after its end, or in a gap.
   */
  indexAt(atMs: number): number {
    const times = this.times;
    let lo = 0;
    let hi = times.length - 1;
    if (hi < 0 || atMs < times[0]!) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (times[mid]! <= atMs) lo = mid;
      else hi = mid - 1;
    }
    const step = Number.isFinite(this.stepMs) ? this.stepMs : 0;
    return atMs - times[lo]! < step || atMs === times[lo]! ? lo : -1;
  }

  /** Carbon intensity at `atMs`, gCO2e/kWh, or undefined when the trace has no value there (never 0 for a gap). */
  valueAt(atMs: number): number | undefined {
    const index = this.indexAt(atMs);
    return index < 0 ? undefined : this.values[index];
  }
}

/** What the reader saw, so a user can judge the trace. */
export interface TraceStats {
  /** Data rows read (excluding the header and blank lines). */
  readonly rows: number;
  /** Rows without a carbon intensity value (a gap: never read as 0 g). */
  readonly emptyRows: number;
  /** Rows dropped as duplicates of a zone and time (identical repeats; conflicting ones when repairing). */
  readonly duplicateRows: number;
}

/** A parsed trace: one series per zone. */
export class Trace {
  constructor(
    private readonly byZone: ReadonlyMap<string, TraceSeries>,
    /** `generic` (`datetime,zone,carbon_intensity`) or `electricitymaps-export` (hourly export columns). */
    readonly format: 'generic' | 'electricitymaps-export',
    readonly stats: TraceStats,
    /** What the quality checks found and did, per zone (docs/backtest.md, "Trace quality"). */
    readonly issues: readonly TraceIssue[] = [],
  ) {}

  /** Zones in the trace, in the order first seen. */
  get zones(): string[] {
    return [...this.byZone.keys()];
  }

  /** The series of `zone` (exact id first, then case-insensitive), or undefined. */
  series(zone: string): TraceSeries | undefined {
    const exact = this.byZone.get(zone);
    if (exact) return exact;
    const wanted = zone.toUpperCase();
    for (const [key, series] of this.byZone) if (key.toUpperCase() === wanted) return series;
    return undefined;
  }

  /** Carbon intensity of `zone` at `at`, gCO2e/kWh, or undefined when the zone or the time is not covered. */
  valueAt(zone: string, at: Date): number | undefined {
    return this.series(zone)?.valueAt(at.getTime());
  }
}

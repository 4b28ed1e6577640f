/**
 * Quality checks of a carbon intensity trace, applied to each zone's rows once the file is read (docs/backtest.md,
 * "Trace quality"):
 * - **duplicates**: the same zone and time twice. Identical values: the repeat is dropped and reported. Different
 *   values: an error (which one is right cannot be known), or with `repair` both rows are dropped (a gap).
 * - **implausible values**: below 0 or above {@link MAX_PLAUSIBLE_TRACE_GCO2E_PER_KWH} gCO2e/kWh (no grid is that
 *   dirty: lignite is about 1,100 g). An error, or with `repair` the rows are dropped (gaps).
 * - **mixed steps**: more than one regular step in a zone (e.g. hourly, then 15-minute rows). Each row's value is
 *   held for its own step and the series is resampled to the finest step, and this is reported: without it the
 *   coarser rows would count a quarter of their hours.
 * - **gaps**: missing rows inside a zone's span, reported with the rows either side; a gap has no value (never 0 g).
 * - **too short**: a zone with one row has no step; an error.
 */

/** Largest plausible grid carbon intensity, gCO2e/kWh. */
export const MAX_PLAUSIBLE_TRACE_GCO2E_PER_KWH = 2000;

/** One row of a zone as read: time (epoch ms), value (gCO2e/kWh) and its line in the file. */
export interface TraceRow {
  readonly at: number;
  readonly value: number;
  readonly line: number;
}

/** A problem found in a trace, with the lines concerned. */
export interface TraceIssue {
  readonly kind: 'duplicate' | 'conflicting-duplicate' | 'implausible' | 'gap' | 'mixed-steps';
  readonly zone: string;
  readonly lines: readonly number[];
  /** One sentence for a person, naming the rows, values and times. */
  readonly message: string;
  /** What was done: `dropped`, `resampled`, `kept as a gap`, or `refused` (an error). */
  readonly action: 'dropped' | 'resampled' | 'kept as a gap' | 'refused';
}

/** The cleaned series of a zone and what was found. */
export interface ZoneQuality {
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly stepMs: number;
  readonly issues: TraceIssue[];
}

const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');

const minutes = (ms: number) => {
  const m = Math.round(ms / 60_000);
  return m % 60 === 0 ? `${m / 60} h` : `${m} min`;
};

/** `lines 12, 13 and 40` (at most `max` named, then `and N more`). */
export function describeLines(lines: readonly number[], max = 6): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const shown = lines.slice(0, max);
  const rest = lines.length - shown.length;
  if (rest > 0) return `lines ${shown.join(', ')} and ${rest} more`;
  return `lines ${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/**
 * Check and clean one zone's rows (any order).
 * @param repair drop conflicting duplicates and implausible values instead of refusing them
 * @returns the cleaned series and its issues; issues with action `refused` mean the trace must not be used
 */
export function checkZone(zone: string, rows: readonly TraceRow[], repair: boolean): ZoneQuality {
  const issues: TraceIssue[] = [];
  const sorted = [...rows].sort((a, b) => a.at - b.at || a.line - b.line);

  const implausible = sorted.filter((r) => r.value < 0 || r.value > MAX_PLAUSIBLE_TRACE_GCO2E_PER_KWH);
  if (implausible.length > 0) {
    const sample = implausible
      .slice(0, 3)
      .map((r) => `${r.value} at ${iso(r.at)}`)
      .join(', ');
    issues.push({
      kind: 'implausible',
      zone,
      lines: implausible.map((r) => r.line),
      message:
        `zone ${zone}: ${implausible.length} value(s) outside 0–${MAX_PLAUSIBLE_TRACE_GCO2E_PER_KWH} gCO2e/kWh ` +
        `(${sample}) on ${describeLines(implausible.map((r) => r.line))}`,
      action: repair ? 'dropped' : 'refused',
    });
  }
  const bad = new Set(implausible);

  // Duplicates: identical repeats are dropped; conflicting ones refused (or, repairing, the time becomes a gap).
  const kept: TraceRow[] = [];
  const identical: number[] = [];
  const conflicts: { lines: number[]; at: number; values: number[] }[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.at === sorted[i]!.at) j += 1;
    const group = sorted.slice(i, j).filter((r) => !bad.has(r));
    if (group.length > 0) {
      const values = [...new Set(group.map((r) => r.value))];
      if (values.length === 1) {
        kept.push(group[0]!);
        identical.push(...group.slice(1).map((r) => r.line));
      } else {
        conflicts.push({ lines: group.map((r) => r.line), at: group[0]!.at, values });
      }
    }
    i = j;
  }
  if (identical.length > 0) {
    issues.push({
      kind: 'duplicate',
      zone,
      lines: identical,
      message: `zone ${zone}: ${identical.length} row(s) repeat an earlier row with the same value (${describeLines(identical)})`,
      action: 'dropped',
    });
  }
  if (conflicts.length > 0) {
    const first = conflicts[0]!;
    issues.push({
      kind: 'conflicting-duplicate',
      zone,
      lines: conflicts.flatMap((c) => c.lines),
      message:
        `zone ${zone}: ${conflicts.length} time(s) appear more than once with different values, e.g. ${iso(first.at)} ` +
        `= ${first.values.join(' or ')} on ${describeLines(first.lines)}`,
      action: repair ? 'dropped' : 'refused',
    });
  }

  if (kept.length < 2) {
    issues.push({
      kind: 'gap',
      zone,
      lines: kept.map((r) => r.line),
      message: `zone ${zone}: ${kept.length === 1 ? `only one row (${describeLines([kept[0]!.line])})` : 'no usable row'}; a zone needs at least two rows so that its step is known`,
      action: 'refused',
    });
    return { times: new Float64Array(0), values: new Float64Array(0), stepMs: Number.POSITIVE_INFINITY, issues };
  }

  // Regular steps: differences that occur twice in a row. Anything longer than its row's step is a gap.
  const diffs = kept.slice(1).map((r, i) => r.at - kept[i]!.at);
  const regular = new Set<number>();
  for (let i = 1; i < diffs.length; i += 1) if (diffs[i] === diffs[i - 1]) regular.add(diffs[i]!);
  if (regular.size === 0) regular.add(Math.min(...diffs));
  const finest = Math.min(...regular);
  const ownStep = (i: number): number => {
    const next = diffs[i];
    if (next !== undefined && regular.has(next)) return next;
    const previous = diffs[i - 1];
    if (previous !== undefined && regular.has(previous)) return previous;
    return next !== undefined && next < finest ? next : finest;
  };
  const gaps: { from: number; to: number; lines: [number, number] }[] = [];
  for (let i = 0; i < diffs.length; i += 1) {
    const step = ownStep(i);
    if (diffs[i]! > step)
      gaps.push({ from: kept[i]!.at + step, to: kept[i + 1]!.at, lines: [kept[i]!.line, kept[i + 1]!.line] });
  }
  if (gaps.length > 0) {
    const first = gaps[0]!;
    const missingMs = gaps.reduce((sum, g) => sum + (g.to - g.from), 0);
    issues.push({
      kind: 'gap',
      zone,
      lines: gaps.flatMap((g) => g.lines),
      message:
        `zone ${zone}: ${gaps.length} gap(s), ${minutes(missingMs)} without data in all, e.g. ${iso(first.from)} → ` +
        `${iso(first.to)} between ${describeLines(first.lines)}`,
      action: 'kept as a gap',
    });
  }

  if (regular.size === 1 && diffs.every((d) => d >= finest && d % finest === 0)) {
    return {
      times: Float64Array.from(kept, (r) => r.at),
      values: Float64Array.from(kept, (r) => r.value),
      stepMs: finest,
      issues,
    };
  }

  // Mixed steps: hold each row for its own step on a grid of the finest step.
  const times: number[] = [];
  const values: number[] = [];
  const changes: number[] = [];
  let previousStep: number | undefined;
  kept.forEach((row, i) => {
    const step = i < diffs.length ? Math.min(ownStep(i), diffs[i]!) : ownStep(i);
    if (previousStep !== undefined && step !== previousStep) changes.push(row.line);
    previousStep = step;
    for (let t = row.at; t < row.at + step; t += finest) {
      times.push(t);
      values.push(row.value);
    }
  });
  const steps = [...regular].sort((a, b) => a - b).map(minutes);
  issues.push({
    kind: 'mixed-steps',
    zone,
    lines: changes,
    message:
      `zone ${zone}: mixed steps (${steps.join(', ')}; the step changes at ${describeLines(changes)}); ` +
      `each row's value is held for its own step and the zone is resampled to ${minutes(finest)}`,
    action: 'resampled',
  });
  return { times: Float64Array.from(times), values: Float64Array.from(values), stepMs: finest, issues };
}

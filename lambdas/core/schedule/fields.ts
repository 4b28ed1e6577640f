import type { DayOfMonth, MonthdayItem, MonthdaySet, MonthSet, WeekdaySet } from './types';

/**
 * Parsers for the texts of a period's fields (`begintime`, `endtime`, `weekdays`, `monthdays`, `months`), following
 * the grammar of Instance Scheduler on AWS (source: its `setbuilders` and `running_period.py`, Apache-2.0):
 * comma-separated items; names or numbers; ranges `a-b` (wrapping for weekdays and months: `fri-mon`, `nov-feb`);
 * steps `a/n` (from a to the last value every n) and `a-b/n`; `*` (or `?`) for every value; weekdays `fri#3` and
 * `friL`; monthdays `L`, `n-L`, `15W`, `LW`.
 *
 * Each parser returns `{ ok: false, error }` with a message naming the offending item and what is allowed; the
 * caller adds the schedule, period and field. Parsers never throw.
 */
export type FieldResult<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const fail = <T>(error: string): FieldResult<T> => ({ ok: false, error });

/** English weekday names, index 0 = Monday (Instance Scheduler on AWS numbering). */
export const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
/** English month names, index 0 = January (month number 1). */
export const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;

const WEEKDAYS_ALLOWED =
  'allowed: mon..sun or 0-6 (0 = Monday), lists "mon,wed", ranges "mon-fri" (wrapping "fri-mon"), ' +
  'steps "mon/2" "mon-fri/2", "fri#3" (3rd Friday), "friL" (last Friday), "*"';
const MONTHDAYS_ALLOWED =
  'allowed: 1-31, lists "1,15", ranges "1-7", "L" (last day), "20-L", steps "1/7" "1-15/2", ' +
  '"15W" (weekday nearest the 15th), "LW" (last weekday), "*"';
const MONTHS_ALLOWED =
  'allowed: jan..dec or 1-12, lists "jan,jul", ranges "jan-mar" (wrapping "nov-feb"), steps "jan/3" "1-6/2", "*"';

const DIGITS = /^\d+$/;

/** Split a field into trimmed items; empty items are an error. */
function items(text: string, what: string): FieldResult<string[]> {
  if (text.trim() === '') return fail(`is empty; write "*" for every ${what} or leave the field out`);
  const parts = text.split(',').map((part) => part.trim());
  const emptyAt = parts.indexOf('');
  if (emptyAt >= 0) return fail(`has an empty item (item ${emptyAt + 1}); separate items with single commas`);
  return ok(parts);
}

/** Parse a positive step after "/" (multi-digit: "1/14" is a step of 14). */
function parseStep(text: string, item: string): FieldResult<number> {
  if (!DIGITS.test(text)) return fail(`"${item}": the step "${text}" after "/" must be a whole number ≥ 1`);
  const step = Number.parseInt(text, 10);
  if (step < 1) return fail(`"${item}": the step must be ≥ 1, got ${step}`);
  return ok(step);
}

/**
 * Name lookup: a token matches a name when it is at least 3 letters long and the name starts with it
 * (`mon`, `mond`, `monday`, `sept`), case-insensitively.
 */
function byName(token: string, names: readonly string[]): number | undefined {
  const lower = token.toLowerCase();
  if (lower.length < 3 || !/^[a-z]+$/.test(lower)) return undefined;
  const index = names.findIndex((name) => name.startsWith(lower));
  return index >= 0 ? index : undefined;
}

/** Values from `start` to `end` every `step`, wrapping past `max` back to `min` when `start > end`. */
function expand(start: number, end: number, step: number, min: number, max: number): number[] {
  const values = [start];
  let current = start;
  let untilNext = step;
  while (current !== end) {
    current = current === max ? min : current + 1;
    untilNext -= 1;
    if (untilNext === 0) {
      values.push(current);
      untilNext = step;
    }
  }
  return values;
}

interface CyclicDomain {
  readonly min: number;
  readonly max: number;
  readonly names: readonly string[];
  /** Value of names[0]. */
  readonly nameOffset: number;
  /** e.g. "weekday". */
  readonly what: string;
  readonly numbers: string;
}

function cyclicValue(token: string, item: string, domain: CyclicDomain): FieldResult<number> {
  if (DIGITS.test(token)) {
    const value = Number.parseInt(token, 10);
    if (value < domain.min || value > domain.max) {
      return fail(`"${item}": ${value} is not a ${domain.what} number; use ${domain.numbers}`);
    }
    return ok(value);
  }
  const index = byName(token, domain.names);
  if (index === undefined) {
    return fail(`"${item}": "${token}" is not a ${domain.what}`);
  }
  return ok(index + domain.nameOffset);
}

/** `*`, `*\/n`, `a`, `a/n`, `a-b`, `a-b/n` over a wrapping domain; returns the values. */
function cyclicItem(item: string, domain: CyclicDomain): FieldResult<number[]> {
  const slash = item.indexOf('/');
  const base = slash >= 0 ? item.slice(0, slash).trim() : item;
  let step = 1;
  if (slash >= 0) {
    const parsed = parseStep(item.slice(slash + 1).trim(), item);
    if (!parsed.ok) return parsed;
    step = parsed.value;
  }
  if (base === '*' || base === '?') return ok(expand(domain.min, domain.max, step, domain.min, domain.max));
  const dash = base.indexOf('-');
  if (dash >= 0) {
    const start = cyclicValue(base.slice(0, dash).trim(), item, domain);
    if (!start.ok) return start;
    const end = cyclicValue(base.slice(dash + 1).trim(), item, domain);
    if (!end.ok) return end;
    return ok(expand(start.value, end.value, step, domain.min, domain.max));
  }
  const start = cyclicValue(base, item, domain);
  if (!start.ok) return start;
  return ok(slash >= 0 ? expand(start.value, domain.max, step, domain.min, domain.max) : [start.value]);
}

const WEEKDAY_DOMAIN: CyclicDomain = {
  min: 0,
  max: 6,
  names: WEEKDAY_NAMES,
  nameOffset: 0,
  what: 'weekday',
  numbers: '0-6 (0 = Monday)',
};
const MONTH_DOMAIN: CyclicDomain = {
  min: 1,
  max: 12,
  names: MONTH_NAMES,
  nameOffset: 1,
  what: 'month',
  numbers: '1-12',
};

/**
 * Parse a `weekdays` field, e.g. `mon-fri`, `sat,sun`, `fri-mon`, `0-4`, `mon-fri/2`, `fri#3`, `friL`, `*`.
 * A bare `L` is rejected (Instance Scheduler reads it as Sunday, which surprises people; write `sun`).
 */
export function parseWeekdays(text: string): FieldResult<WeekdaySet> {
  const list = items(text, 'weekday');
  if (!list.ok) return fail(`${list.error}; ${WEEKDAYS_ALLOWED}`);
  let mask = 0;
  let lastMask = 0;
  const nth: { weekday: number; n: number }[] = [];
  for (const item of list.value) {
    const hash = item.indexOf('#');
    if (hash >= 0) {
      const day = cyclicValue(item.slice(0, hash).trim(), item, WEEKDAY_DOMAIN);
      if (!day.ok) return fail(`${day.error}; ${WEEKDAYS_ALLOWED}`);
      const nText = item.slice(hash + 1).trim();
      const n = DIGITS.test(nText) ? Number.parseInt(nText, 10) : Number.NaN;
      if (!(n >= 1 && n <= 5)) {
        return fail(`"${item}": the occurrence after "#" must be 1-5, got "${nText}"; ${WEEKDAYS_ALLOWED}`);
      }
      nth.push({ weekday: day.value, n });
      continue;
    }
    if (item.toUpperCase() === 'L') {
      return fail(`"${item}": a bare "L" is ambiguous in weekdays; write "sun" or "<day>L" (e.g. "friL")`);
    }
    if (/l$/i.test(item) && item.length > 1) {
      const day = cyclicValue(item.slice(0, -1).trim(), item, WEEKDAY_DOMAIN);
      if (day.ok) {
        lastMask |= 1 << day.value;
        continue;
      }
    }
    const values = cyclicItem(item, WEEKDAY_DOMAIN);
    if (!values.ok) return fail(`${values.error}; ${WEEKDAYS_ALLOWED}`);
    for (const value of values.value) mask |= 1 << value;
  }
  return ok({ mask, nth, lastMask });
}

/** Parse a `months` field, e.g. `jan-mar`, `4`, `nov-feb` (wrapping), `jan/3`, `1-6/2`, `*`. */
export function parseMonths(text: string): FieldResult<MonthSet> {
  const list = items(text, 'month');
  if (!list.ok) return fail(`${list.error}; ${MONTHS_ALLOWED}`);
  let mask = 0;
  for (const item of list.value) {
    const values = cyclicItem(item, MONTH_DOMAIN);
    if (!values.ok) return fail(`${values.error}; ${MONTHS_ALLOWED}`);
    for (const value of values.value) mask |= 1 << value;
  }
  return ok({ mask });
}

function dayOfMonth(token: string, item: string): FieldResult<DayOfMonth> {
  if (token.toUpperCase() === 'L') return ok('L');
  if (!DIGITS.test(token)) return fail(`"${item}": "${token}" is not a day of the month (1-31 or L)`);
  const value = Number.parseInt(token, 10);
  if (value < 1 || value > 31) return fail(`"${item}": ${value} is not a day of the month (1-31 or L)`);
  return ok(value);
}

function monthdayItem(item: string): FieldResult<MonthdayItem> {
  const upper = item.toUpperCase();
  if (upper.endsWith('W') && !upper.includes('/') && !upper.includes('-')) {
    const day = dayOfMonth(item.slice(0, -1).trim(), item);
    if (!day.ok) return day;
    return ok({ kind: 'nearest-weekday', day: day.value });
  }
  const slash = item.indexOf('/');
  const base = slash >= 0 ? item.slice(0, slash).trim() : item;
  let step = 1;
  if (slash >= 0) {
    const parsed = parseStep(item.slice(slash + 1).trim(), item);
    if (!parsed.ok) return parsed;
    step = parsed.value;
  }
  if (base === '*' || base === '?') return ok({ kind: 'days', from: 1, to: 'L', step });
  const dash = base.indexOf('-');
  if (dash >= 0) {
    const from = dayOfMonth(base.slice(0, dash).trim(), item);
    if (!from.ok) return from;
    const to = dayOfMonth(base.slice(dash + 1).trim(), item);
    if (!to.ok) return to;
    if (from.value === 'L') return fail(`"${item}": a range cannot start at L; write "L" alone or "n-L"`);
    if (to.value !== 'L' && from.value > to.value) {
      return fail(`"${item}": monthday ranges do not wrap (${from.value} is after ${to.value})`);
    }
    return ok({ kind: 'days', from: from.value, to: to.value, step });
  }
  const from = dayOfMonth(base, item);
  if (!from.ok) return from;
  if (from.value === 'L' && slash >= 0) return fail(`"${item}": "L" cannot take a step`);
  return ok({ kind: 'days', from: from.value, to: slash >= 0 ? 'L' : from.value, step });
}

/** Parse a `monthdays` field, e.g. `1-7`, `L`, `20-L`, `15W`, `LW`, `1/7`, `1/14`, `1,15`, `*`. */
export function parseMonthdays(text: string): FieldResult<MonthdaySet> {
  const list = items(text, 'day of the month');
  if (!list.ok) return fail(`${list.error}; ${MONTHDAYS_ALLOWED}`);
  const parsed: MonthdayItem[] = [];
  for (const item of list.value) {
    const result = monthdayItem(item);
    if (!result.ok) return fail(`${result.error}; ${MONTHDAYS_ALLOWED}`);
    parsed.push(result.value);
  }
  return ok({ items: parsed });
}

/** Seconds in a day; an `endtime` of `24:00` is this many seconds after midnight. */
export const SECONDS_PER_DAY = 86_400;

/**
 * Parse a time of day `HH:MM` (also `H:MM` and `HH:MM:SS`) into seconds after midnight.
 * `24:00` is accepted only when `allowEndOfDay` (for `endtime`: the end of the day).
 */
export function parseTimeOfDay(text: string, allowEndOfDay: boolean): FieldResult<number> {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return fail('is not a time; use HH:MM (24-hour clock, e.g. "08:00", "17:30")');
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const seconds = Number(match[3] ?? '0');
  if (hours === 24 && minutes === 0 && seconds === 0) {
    return allowEndOfDay ? ok(SECONDS_PER_DAY) : fail('24:00 is only allowed as an endtime (the end of the day)');
  }
  if (hours > 23) return fail(`hours must be 00-23${allowEndOfDay ? ' (or 24:00 for the end of the day)' : ''}`);
  if (minutes > 59) return fail('minutes must be 00-59');
  if (seconds > 59) return fail('seconds must be 00-59');
  return ok(hours * 3600 + minutes * 60 + seconds);
}

/** `HH:MM`, or `HH:MM:SS` when the seconds are not zero. */
export function formatTimeOfDay(secondsAfterMidnight: number): string {
  const h = Math.floor(secondsAfterMidnight / 3600);
  const m = Math.floor((secondsAfterMidnight % 3600) / 60);
  const s = secondsAfterMidnight % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return s === 0 ? `${pad(h)}:${pad(m)}` : `${pad(h)}:${pad(m)}:${pad(s)}`;
}

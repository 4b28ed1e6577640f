import { formatTimeOfDay, parseMonthdays, parseMonths, parseTimeOfDay, parseWeekdays } from './fields';
import {
  CARBON_POLICIES,
  type CarbonPolicy,
  type ExceptionDates,
  type MonthdaySet,
  type MonthSet,
  type Period,
  type Schedule,
  type WeekdaySet,
} from './types';
import { daysInMonth, isValidTimeZone } from './zone-time';

/**
 * Parse and validate a schedule definition (docs/schedules.md) — the JSON of `config.schedules[i]`:
 *
 * ```json
 * { "name": "lab", "timezone": "Europe/Berlin",
 *   "periods": [{ "begintime": "22:00", "endtime": "06:00", "weekdays": "mon-thu" }],
 *   "carbonPolicy": "defer-start", "maxDeferMinutes": 120, "exceptions": ["2026-12-24/2026-12-26"] }
 * ```
 *
 * Field names are matched ignoring case, `_` and `-`, so Instance Scheduler on AWS items (`retain_running`,
 * `stop_new_instances`, `override_status`) and CloudFormation properties (`BeginTime`, `WeekDays`, `InstanceType`)
 * are read as they are. Unknown fields are errors.
 */

/** Thrown by the throwing variants (`ScheduleRegistry.fromConfig`); `errors` lists one message per problem. */
export class ScheduleDefinitionError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`Invalid schedule definition${errors.length === 1 ? '' : 's'}:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    this.name = 'ScheduleDefinitionError';
  }
}

/** Result of {@link parseScheduleDefinition}. */
export type ParseScheduleResult = { ok: true; schedule: Schedule } | { ok: false; errors: string[] };

/** Default of `maxDeferMinutes` (docs/schedules.md). */
export const DEFAULT_MAX_DEFER_MINUTES = 240;
/** Largest `maxDeferMinutes` accepted: a start is never deferred by more than a day. */
export const MAX_MAX_DEFER_MINUTES = 1440;
/** EC2 tag values are at most 256 characters, and schedules are named by a tag value. */
export const MAX_SCHEDULE_NAME_LENGTH = 256;

const SCHEDULE_FIELDS: Readonly<Record<string, string>> = {
  name: 'name',
  timezone: 'timezone',
  periods: 'periods',
  carbonpolicy: 'carbonPolicy',
  maxdeferminutes: 'maxDeferMinutes',
  enforced: 'enforced',
  retainrunning: 'retainRunning',
  stopnewinstances: 'stopNewInstances',
  hibernate: 'hibernate',
  usemaintenancewindow: 'useMaintenanceWindow',
  overridestatus: 'overrideStatus',
  exceptions: 'exceptions',
  description: 'description',
};

const PERIOD_FIELDS: Readonly<Record<string, string>> = {
  name: 'name',
  description: 'description',
  begintime: 'begintime',
  endtime: 'endtime',
  weekdays: 'weekdays',
  monthdays: 'monthdays',
  months: 'months',
  instancetype: 'instanceType',
};

/** Instance Scheduler on AWS fields that have no equivalent here, with what to do about them. */
const UNSUPPORTED_FIELDS: Readonly<Record<string, string>> = {
  ssmmaintenancewindow:
    'SSM maintenance windows are not supported; remove the field (useMaintenanceWindow keeps RDS databases running ' +
    'through their preferred maintenance window)',
  usemetrics: 'metrics are always published (CloudWatch EMF); remove the field',
  configuredinstack: 'Instance Scheduler bookkeeping; remove the field',
  type: 'the "type" attribute of Instance Scheduler DynamoDB items is not needed; remove the field',
  servicetoken: 'a CloudFormation custom-resource property; remove the field',
  nostackprefix: 'a CloudFormation custom-resource property; remove the field',
};

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[_-]/g, '');

const quote = (value: unknown): string => {
  try {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return JSON.stringify(text ?? String(value));
  } catch {
    return `"${String(value)}"`;
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Read an object's fields by normalised name, reporting unknown and duplicated fields.
 * Returns canonical field name → value (null values are treated as absent).
 */
function readFields(
  object: Record<string, unknown>,
  known: Readonly<Record<string, string>>,
  where: string,
  errors: string[],
): Map<string, { key: string; value: unknown }> {
  const fields = new Map<string, { key: string; value: unknown }>();
  for (const key of Object.keys(object)) {
    const normalized = normalizeKey(key);
    const canonical = known[normalized];
    if (canonical === undefined) {
      const unsupported = UNSUPPORTED_FIELDS[normalized];
      errors.push(
        unsupported
          ? `${where}: field "${key}": ${unsupported}`
          : `${where}: unknown field "${key}"; allowed: ${Object.values(known).join(', ')}`,
      );
      continue;
    }
    const previous = fields.get(canonical);
    if (previous) {
      errors.push(`${where}: fields "${previous.key}" and "${key}" are the same field "${canonical}"; keep one`);
      continue;
    }
    const value = object[key];
    if (value !== null && value !== undefined) fields.set(canonical, { key, value });
  }
  return fields;
}

/** A field that may be a string, a number, or a list of them (Instance Scheduler stores string sets). */
function fieldText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return value.map(String).join(',');
  }
  return undefined;
}

function readBoolean(
  fields: Map<string, { key: string; value: unknown }>,
  name: string,
  fallback: boolean,
  where: string,
  errors: string[],
): boolean {
  const field = fields.get(name);
  if (!field) return fallback;
  if (typeof field.value === 'boolean') return field.value;
  if (field.value === 'true' || field.value === 'false') return field.value === 'true';
  errors.push(`${where}, ${field.key} ${quote(field.value)}: must be true or false`);
  return fallback;
}

function readString(
  fields: Map<string, { key: string; value: unknown }>,
  name: string,
  where: string,
  errors: string[],
): string | undefined {
  const field = fields.get(name);
  if (!field) return undefined;
  if (typeof field.value !== 'string') {
    errors.push(`${where}, ${field.key} ${quote(field.value)}: must be a string`);
    return undefined;
  }
  return field.value;
}

function parseDate(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return year * 10_000 + month * 100 + day;
}

const dayKeyText = (key: number): string =>
  `${String(Math.floor(key / 10_000)).padStart(4, '0')}-${String(Math.floor(key / 100) % 100).padStart(2, '0')}-${String(key % 100).padStart(2, '0')}`;

function parseExceptions(value: unknown, where: string, key: string, errors: string[]): ExceptionDates[] {
  if (!Array.isArray(value)) {
    errors.push(
      `${where}, ${key} ${quote(value)}: must be a list of dates "YYYY-MM-DD" or ranges "YYYY-MM-DD/YYYY-MM-DD"`,
    );
    return [];
  }
  const result: ExceptionDates[] = [];
  value.forEach((entry, index) => {
    const label = `${where}, ${key}[${index}] ${quote(entry)}`;
    if (typeof entry !== 'string') {
      errors.push(`${label}: must be a string "YYYY-MM-DD" or "YYYY-MM-DD/YYYY-MM-DD"`);
      return;
    }
    const parts = entry.split('/');
    const from = parts.length <= 2 ? parseDate(parts[0] ?? '') : undefined;
    const to = parts.length === 2 ? parseDate(parts[1] ?? '') : from;
    if (from === undefined || to === undefined) {
      errors.push(`${label}: not a calendar date or date range; use "YYYY-MM-DD" or "YYYY-MM-DD/YYYY-MM-DD"`);
      return;
    }
    if (from > to) {
      errors.push(`${label}: the range ends before it starts`);
      return;
    }
    result.push({ from: dayKeyText(from), to: dayKeyText(to), fromDay: from, toDay: to });
  });
  return result;
}

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

function parsePeriod(input: unknown, index: number, scheduleWhere: string, errors: string[]): Period | undefined {
  const number = index + 1;
  if (!isRecord(input)) {
    errors.push(
      `${scheduleWhere}, period ${number}: must be an object with begintime, endtime, weekdays, monthdays, months; ` +
        `got ${quote(input)} (Instance Scheduler period names cannot be referenced; copy the period's fields here)`,
    );
    return undefined;
  }
  const before = errors.length;
  const probe = readFields(input, PERIOD_FIELDS, `${scheduleWhere}, period ${number}`, errors);
  const nameField = probe.get('name');
  const name = typeof nameField?.value === 'string' && nameField.value.trim() !== '' ? nameField.value : undefined;
  const label = name ? `period ${number} "${name}"` : `period ${number}`;
  const where = `${scheduleWhere}, ${label}`;
  if (nameField && name === undefined)
    errors.push(`${where}, name ${quote(nameField.value)}: must be a non-empty string`);
  const description = readString(probe, 'description', where, errors);

  const time = (field: 'begintime' | 'endtime'): { seconds: number; text: string } | undefined => {
    const entry = probe.get(field);
    if (!entry) return undefined;
    if (typeof entry.value !== 'string') {
      errors.push(`${where}, ${entry.key} ${quote(entry.value)}: must be a string "HH:MM"`);
      return undefined;
    }
    const parsed = parseTimeOfDay(entry.value, field === 'endtime');
    if (!parsed.ok) {
      errors.push(`${where}, ${entry.key} ${quote(entry.value)}: ${parsed.error}`);
      return undefined;
    }
    return { seconds: parsed.value, text: formatTimeOfDay(parsed.value) };
  };
  const begin = time('begintime');
  const end = time('endtime');
  if (begin && end && begin.seconds === end.seconds) {
    errors.push(
      `${where}, endtime ${quote(end.text)}: equals begintime; a period needs different begin and end times ` +
        '(leave both out for all day)',
    );
  }

  const set = <T>(
    field: 'weekdays' | 'monthdays' | 'months',
    parse: (text: string) => { ok: true; value: T } | { ok: false; error: string },
  ): { value: T; text: string } | undefined => {
    const entry = probe.get(field);
    if (!entry) return undefined;
    const text = fieldText(entry.value);
    if (text === undefined) {
      errors.push(`${where}, ${entry.key} ${quote(entry.value)}: must be a string such as "mon-fri" or a list of them`);
      return undefined;
    }
    const parsed = parse(text);
    if (!parsed.ok) {
      // When the field is one item, the detail's leading item quote would repeat the field text.
      const detail = parsed.error.startsWith(`${quote(text.trim())}: `)
        ? parsed.error.slice(quote(text.trim()).length + 2)
        : parsed.error;
      errors.push(`${where}, ${entry.key} ${quote(text)}: ${detail}`);
      return undefined;
    }
    return {
      value: parsed.value,
      text: text
        .split(',')
        .map((part) => part.trim())
        .join(','),
    };
  };
  const weekdays = set<WeekdaySet>('weekdays', parseWeekdays);
  const monthdays = set<MonthdaySet>('monthdays', parseMonthdays);
  const months = set<MonthSet>('months', parseMonths);

  let instanceType: string | undefined;
  const typeField = probe.get('instanceType');
  if (typeField) {
    if (typeof typeField.value === 'string' && INSTANCE_TYPE.test(typeField.value.trim())) {
      instanceType = typeField.value.trim();
    } else {
      errors.push(
        `${where}, ${typeField.key} ${quote(typeField.value)}: not an EC2 instance type; use lower case "family.size" ` +
          '(e.g. "m7g.large")',
      );
    }
  }
  if (errors.length > before) return undefined;

  const period: Period = {
    label,
    overnight: begin !== undefined && end !== undefined && begin.seconds > end.seconds,
    text: {},
  };
  if (name !== undefined) period.name = name;
  if (description !== undefined) period.description = description;
  if (begin) {
    period.begintime = begin.text;
    period.beginSeconds = begin.seconds;
  }
  if (end) {
    period.endtime = end.text;
    period.endSeconds = end.seconds;
  }
  if (weekdays) {
    period.weekdays = weekdays.value;
    period.text.weekdays = weekdays.text;
  }
  if (monthdays) {
    period.monthdays = monthdays.value;
    period.text.monthdays = monthdays.text;
  }
  if (months) {
    period.months = months.value;
    period.text.months = months.text;
  }
  if (instanceType !== undefined) period.instanceType = instanceType;
  return period;
}

function parseUnsafe(input: unknown, defaultTimezone: string): ParseScheduleResult {
  const errors: string[] = [];
  if (!isRecord(input)) {
    return { ok: false, errors: [`schedule ${quote(input)}: a schedule definition must be an object with a "name"`] };
  }
  const nameValue = Object.entries(input).find(([key]) => normalizeKey(key) === 'name')?.[1];
  const validName =
    typeof nameValue === 'string' &&
    nameValue.trim() !== '' &&
    nameValue.trim().length <= MAX_SCHEDULE_NAME_LENGTH &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    !/[\u0000-\u001f\u007f]/.test(nameValue);
  const name = validName ? nameValue.trim() : '';
  const where = validName ? `schedule "${name}"` : 'schedule (no valid name)';
  if (!validName) {
    errors.push(
      nameValue === undefined
        ? `${where}: "name" is required (the value instances carry in their Schedule tag)`
        : `${where}, name ${quote(nameValue)}: must be a non-empty string of at most ${MAX_SCHEDULE_NAME_LENGTH} ` +
            'characters without control characters',
    );
  }
  const fields = readFields(input, SCHEDULE_FIELDS, where, errors);

  let timezone = defaultTimezone;
  const zoneField = fields.get('timezone');
  if (zoneField) {
    if (typeof zoneField.value === 'string' && isValidTimeZone(zoneField.value.trim())) {
      timezone = zoneField.value.trim();
    } else {
      errors.push(
        `${where}, ${zoneField.key} ${quote(zoneField.value)}: not an IANA time zone (e.g. "Europe/Berlin", "UTC")`,
      );
    }
  } else if (!isValidTimeZone(defaultTimezone)) {
    errors.push(`${where}, timezone: the default time zone ${quote(defaultTimezone)} is not an IANA time zone`);
  }

  let carbonPolicy: CarbonPolicy = 'none';
  const policyField = fields.get('carbonPolicy');
  if (policyField) {
    const value = typeof policyField.value === 'string' ? policyField.value.trim().toLowerCase() : undefined;
    if (value !== undefined && (CARBON_POLICIES as readonly string[]).includes(value)) {
      carbonPolicy = value as CarbonPolicy;
    } else {
      errors.push(
        `${where}, ${policyField.key} ${quote(policyField.value)}: allowed: ${CARBON_POLICIES.map((p) => `"${p}"`).join(', ')}`,
      );
    }
  }

  let maxDeferMinutes = DEFAULT_MAX_DEFER_MINUTES;
  const deferField = fields.get('maxDeferMinutes');
  if (deferField) {
    const value = deferField.value;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_MAX_DEFER_MINUTES) {
      maxDeferMinutes = value;
    } else {
      errors.push(
        `${where}, ${deferField.key} ${quote(value)}: must be a whole number of minutes from 0 to ${MAX_MAX_DEFER_MINUTES}`,
      );
    }
  }

  const enforced = readBoolean(fields, 'enforced', false, where, errors);
  const retainRunning = readBoolean(fields, 'retainRunning', false, where, errors);
  const stopNewInstances = readBoolean(fields, 'stopNewInstances', true, where, errors);
  const hibernate = readBoolean(fields, 'hibernate', false, where, errors);
  const useMaintenanceWindow = readBoolean(fields, 'useMaintenanceWindow', false, where, errors);
  const description = readString(fields, 'description', where, errors);

  let overrideStatus: 'running' | 'stopped' | undefined;
  const overrideField = fields.get('overrideStatus');
  if (overrideField) {
    const value = typeof overrideField.value === 'string' ? overrideField.value.trim().toLowerCase() : undefined;
    if (value === 'running' || value === 'stopped') overrideStatus = value;
    else errors.push(`${where}, ${overrideField.key} ${quote(overrideField.value)}: allowed: "running", "stopped"`);
  }

  const exceptionsField = fields.get('exceptions');
  const exceptions = exceptionsField
    ? parseExceptions(exceptionsField.value, where, exceptionsField.key, errors)
    : ([] as ExceptionDates[]);

  const periods: Period[] = [];
  const periodsField = fields.get('periods');
  if (!periodsField) {
    if (!overrideField) {
      errors.push(`${where}: "periods" is required (a list of periods), unless "overrideStatus" is set`);
    }
  } else if (!Array.isArray(periodsField.value)) {
    errors.push(`${where}, ${periodsField.key} ${quote(periodsField.value)}: must be a list of period objects`);
  } else if (periodsField.value.length === 0 && !overrideField) {
    errors.push(`${where}, ${periodsField.key}: list at least one period (or set "overrideStatus")`);
  } else {
    periodsField.value.forEach((entry: unknown, index: number) => {
      const period = parsePeriod(entry, index, where, errors);
      if (period) periods.push(period);
    });
  }

  if (errors.length > 0) return { ok: false, errors };
  const schedule: Schedule = {
    name,
    timezone,
    periods,
    carbonPolicy,
    maxDeferMinutes,
    enforced,
    retainRunning,
    stopNewInstances,
    hibernate,
    exceptions,
  };
  if (overrideStatus !== undefined) schedule.overrideStatus = overrideStatus;
  if (description !== undefined) schedule.description = description;
  if (useMaintenanceWindow) schedule.useMaintenanceWindow = true;
  return { ok: true, schedule };
}

/**
 * Parse and validate one schedule definition.
 *
 * @param input the definition (parsed JSON); see the module comment for the shape
 * @param defaultTimezone IANA zone for a definition that names none (`config.timezone`)
 * @returns the schedule, or every problem found, each naming the schedule, the period, the field and the
 *   offending text (e.g. `schedule "lab", period 2 "night", weekdays "mon-fry": "mon-fry": "fry" is not a weekday…`).
 *   Never throws.
 */
export function parseScheduleDefinition(input: unknown, defaultTimezone: string): ParseScheduleResult {
  try {
    return parseUnsafe(input, defaultTimezone);
  } catch (error) {
    // Only reachable with hostile inputs (throwing getters, proxies); still a result, never an exception.
    return { ok: false, errors: [`schedule: the definition could not be read: ${(error as Error)?.message ?? error}`] };
  }
}

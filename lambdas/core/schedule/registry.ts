import { BUILTIN_DISPLAY_NAMES, BUILTIN_SCHEDULE_DEFINITIONS } from './builtins';
import { parseScheduleDefinition, ScheduleDefinitionError } from './parse';
import { parseScheduleTag } from './tags';
import type { Schedule } from './types';

/**
 * Normalise a schedule name or tag value for matching: trimmed, lower case, and every run of spaces, underscores
 * and dashes turned into one dash (`Office Hours + Weekend Shutdown` → `office-hours-+-weekend-shutdown`,
 * `Office_Hours` → `office-hours`).
 */
export function normalizeScheduleName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const ALIASES: ReadonlyMap<string, string> = new Map(
  Object.entries(BUILTIN_DISPLAY_NAMES).map(([display, name]) => [normalizeScheduleName(display), name]),
);

/** How many known names a "not found" reason lists before it says "and N more". */
const NAMES_IN_REASON = 12;

/**
 * The schedules an instance can name in its `Schedule` tag: the built-ins (office-hours, extended-dev, always-on,
 * carbon-aware, in the default time zone) and the user schedules from `config.schedules`. A user schedule whose
 * normalised name equals a built-in's replaces it; the built-in display names (`Carbon-Aware 24/7`, …) resolve to
 * whatever schedule then carries the built-in's name.
 */
export class ScheduleRegistry {
  private constructor(
    private readonly byName: ReadonlyMap<string, Schedule>,
    readonly defaultTimezone: string,
  ) {}

  /**
   * Build the registry from `config.schedules` and `config.timezone`.
   * @throws {ScheduleDefinitionError} listing every invalid definition and duplicated name
   */
  static fromConfig(definitions: readonly unknown[], defaultTimezone: string): ScheduleRegistry {
    const errors: string[] = [];
    const byName = new Map<string, Schedule>();
    for (const definition of BUILTIN_SCHEDULE_DEFINITIONS) {
      const result = parseScheduleDefinition(definition, defaultTimezone);
      if (!result.ok) throw new ScheduleDefinitionError(result.errors);
      byName.set(normalizeScheduleName(result.schedule.name), { ...result.schedule, builtIn: true });
    }
    const userNames = new Map<string, string>();
    definitions.forEach((definition, index) => {
      const result = parseScheduleDefinition(definition, defaultTimezone);
      if (!result.ok) {
        errors.push(...result.errors.map((error) => `schedules[${index}]: ${error}`));
        return;
      }
      const key = normalizeScheduleName(result.schedule.name);
      const earlier = userNames.get(key);
      if (earlier !== undefined) {
        errors.push(
          `schedules[${index}]: schedule "${result.schedule.name}" has the same name as "${earlier}" ` +
            '(names are compared ignoring case, spaces, underscores and dashes)',
        );
        return;
      }
      userNames.set(key, result.schedule.name);
      byName.set(key, result.schedule);
    });
    if (errors.length > 0) throw new ScheduleDefinitionError(errors);
    return new ScheduleRegistry(byName, defaultTimezone);
  }

  /**
   * Find the schedule a `Schedule` tag value names. Never throws.
   * @returns the schedule, or `{ ok: false, reason }` for an absent, malformed or unknown name
   */
  resolve(tagValue: string): { ok: true; schedule: Schedule } | { ok: false; reason: string } {
    const tag = parseScheduleTag(tagValue);
    if (!tag.ok) return tag;
    const key = normalizeScheduleName(tag.name);
    const schedule = this.byName.get(key) ?? this.byName.get(ALIASES.get(key) ?? '');
    if (schedule) return { ok: true, schedule };
    const names = this.names();
    const listed = names.slice(0, NAMES_IN_REASON).join(', ');
    const more = names.length > NAMES_IN_REASON ? ` and ${names.length - NAMES_IN_REASON} more` : '';
    return { ok: false, reason: `unknown schedule "${tag.name}"; known schedules: ${listed}${more}` };
  }

  /** Names of every schedule (built-ins first, then user schedules), as written in their definitions. */
  names(): string[] {
    return [...this.byName.values()].map((schedule) => schedule.name);
  }

  /** Every schedule, in the order of {@link names}. */
  schedules(): Schedule[] {
    return [...this.byName.values()];
  }
}

import { parseScheduleDefinition } from './parse';

/**
 * Validation hook used by the configuration schema for user schedules (`config.schedules[i]`), so a bad schedule
 * fails `cdk synth`. Returns one message per problem, each naming the schedule, the period, the field and the
 * offending text; an empty array means the definition is valid. Never throws.
 *
 * @param input one entry of `config.schedules`
 * @param defaultTimezone `config.timezone`, used when the schedule names no time zone
 */
export function validateScheduleDefinition(input: unknown, defaultTimezone: string): string[] {
  const result = parseScheduleDefinition(input, defaultTimezone);
  return result.ok ? [] : result.errors;
}

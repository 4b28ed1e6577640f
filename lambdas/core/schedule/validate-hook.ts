/**
 * Validation hook used by the configuration schema for user schedules.
 * Returns one message per problem, each naming the schedule, the period, the field and the offending text;
 * an empty array means the definition is valid.
 *
 * Placeholder until the schedule language lands: it only checks the definition is an object with a name.
 */
export function validateScheduleDefinition(input: unknown, _defaultTimezone: string): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['a schedule must be an object'];
  const name = (input as { name?: unknown }).name;
  if (typeof name !== 'string' || name.trim() === '') return ['a schedule needs a non-empty "name"'];
  return [];
}

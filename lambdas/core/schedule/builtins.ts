/**
 * Built-in schedules (docs/schedules.md). They take the registry's default time zone (`config.timezone`).
 * A user schedule with the same normalised name replaces the built-in.
 */

/** Built-in definitions, in the same JSON shape as `config.schedules` entries (minus the time zone). */
export const BUILTIN_SCHEDULE_DEFINITIONS: readonly Readonly<Record<string, unknown>>[] = [
  {
    name: 'office-hours',
    description: 'Office hours: Mon–Fri 08:00–18:00, stopped nights and weekends',
    periods: [{ name: 'office hours', begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }],
  },
  {
    name: 'extended-dev',
    description: 'Extended development hours: Mon–Fri 07:00–22:00',
    periods: [{ name: 'extended hours', begintime: '07:00', endtime: '22:00', weekdays: 'mon-fri' }],
  },
  {
    name: 'always-on',
    description: 'Running 24/7; carbon never stops it',
    periods: [{ name: 'always' }],
    carbonPolicy: 'none',
  },
  {
    name: 'carbon-aware',
    description: 'Wanted 24/7, paused while the grid is above its carbon threshold',
    periods: [{ name: 'always' }],
    carbonPolicy: 'pause-when-dirty',
  },
];

/**
 * Display names (as the README's tag table lists them) that map to the built-ins.
 * Keys are normalised with `normalizeScheduleName`.
 */
export const BUILTIN_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'Office Hours + Weekend Shutdown': 'office-hours',
  'Carbon-Aware 24/7': 'carbon-aware',
  '24/7 Always Running': 'always-on',
  'Extended Development Hours': 'extended-dev',
};

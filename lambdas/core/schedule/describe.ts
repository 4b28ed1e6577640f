import { formatTimeOfDay } from './fields';
import type { Period } from './types';

/**
 * Human-readable period summaries for reasons and the CLI, e.g. `mon-fri 08:00–18:00`,
 * `fri 22:00–06:00 (overnight)`, `from 08:00`, `until 18:00`, `monthdays L, months jan-mar, all day`.
 */
export function describePeriod(period: Period): string {
  const parts: string[] = [];
  if (period.text.weekdays !== undefined) parts.push(period.text.weekdays);
  if (period.text.monthdays !== undefined) parts.push(`monthdays ${period.text.monthdays}`);
  if (period.text.months !== undefined) parts.push(`months ${period.text.months}`);
  const begin = period.beginSeconds;
  const end = period.endSeconds;
  let time: string;
  if (begin !== undefined && end !== undefined) {
    time = `${formatTimeOfDay(begin)}–${formatTimeOfDay(end)}${period.overnight ? ' (overnight)' : ''}`;
  } else if (begin !== undefined) {
    time = `from ${formatTimeOfDay(begin)}`;
  } else if (end !== undefined) {
    time = `until ${formatTimeOfDay(end)}`;
  } else {
    time = 'all day';
  }
  const days = parts.length > 0 ? parts.join(', ') : 'every day';
  const type = period.instanceType ? ` as ${period.instanceType}` : '';
  return `${days} ${time}${type}`;
}

import type { MonthdaySet, Period, WeekdaySet } from './types';
import { civilDate, daysInMonth, weekdayOf } from './zone-time';

/**
 * Which days of a month a period's `weekdays`, `monthdays` and `months` select (combined with AND), as a bit mask
 * with bit (d − 1) set for day d. Masks are cached per period and month, so evaluation is a lookup.
 */

function weekdayMatches(set: WeekdaySet, day: number, weekday: number, lastDay: number): boolean {
  const bit = 1 << weekday;
  if (set.mask & bit) return true;
  if (set.lastMask & bit && day + 7 > lastDay) return true;
  for (const { weekday: w, n } of set.nth) {
    if (w === weekday && Math.ceil(day / 7) === n) return true;
  }
  return false;
}

/** Nearest weekday (Mon–Fri) to `day` without leaving the month (the cron `W` rule, as Instance Scheduler). */
function nearestWeekday(year: number, month: number, day: number, lastDay: number): number {
  const weekday = weekdayOf(year, month, day);
  if (weekday === 5) return day > 1 ? day - 1 : day + 2; // Saturday: Friday before, or Monday after the 1st
  if (weekday === 6) return day < lastDay ? day + 1 : day - 2; // Sunday: Monday after, or Friday before the last
  return day;
}

function monthdayMask(set: MonthdaySet, year: number, month: number, lastDay: number): number {
  let mask = 0;
  for (const item of set.items) {
    if (item.kind === 'days') {
      const from = item.from === 'L' ? lastDay : item.from;
      const to = item.to === 'L' ? lastDay : Math.min(item.to, lastDay);
      for (let day = from; day <= to; day += item.step) mask |= 1 << (day - 1);
    } else {
      const day = item.day === 'L' ? lastDay : item.day;
      if (day <= lastDay) mask |= 1 << (nearestWeekday(year, month, day, lastDay) - 1);
    }
  }
  return mask;
}

function computeMonthMask(period: Period, year: number, month: number): number {
  if (period.months && !(period.months.mask & (1 << month))) return 0;
  const lastDay = daysInMonth(year, month);
  let mask = period.monthdays ? monthdayMask(period.monthdays, year, month, lastDay) : (2 ** lastDay - 1) | 0;
  if (period.weekdays) {
    const firstWeekday = weekdayOf(year, month, 1);
    for (let day = 1; day <= lastDay; day++) {
      const bit = 1 << (day - 1);
      if (mask & bit && !weekdayMatches(period.weekdays, day, (firstWeekday + day - 1) % 7, lastDay)) mask &= ~bit;
    }
  }
  return mask;
}

const cache = new WeakMap<Period, Map<number, number>>();

/** Days of `month` (1–12) of `year` on which the period applies, bit (d − 1) for day d. */
function periodMonthMask(period: Period, year: number, month: number): number {
  let byMonth = cache.get(period);
  if (!byMonth) {
    byMonth = new Map();
    cache.set(period, byMonth);
  }
  const key = year * 16 + month;
  let mask = byMonth.get(key);
  if (mask === undefined) {
    mask = computeMonthMask(period, year, month);
    if (byMonth.size >= 1024) byMonth.clear();
    byMonth.set(key, mask);
  }
  return mask;
}

/** True when the period applies on local date `epochDay` (weekdays AND monthdays AND months). */
export function periodAppliesOn(period: Period, epochDay: number): boolean {
  if (!period.weekdays && !period.monthdays && !period.months) return true;
  const date = civilDate(epochDay);
  return (periodMonthMask(period, date.year, date.month) & (1 << (date.day - 1))) !== 0;
}

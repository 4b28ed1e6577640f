import { normalizeScheduleName } from '../schedule/registry';
import { MAX_TAG_VALUE_LENGTH } from '../schedule/tags';
import type { GroupSizes } from './types';

/**
 * Tags that only resources other than EC2 instances (or all of them) read, besides `Schedule` and
 * `ScheduleOverride`. Every parser is total: it never throws, and a rejection carries the reason the scheduler
 * reports while leaving the resource as it is (docs/resources.md).
 */

/** Sizes an Auto Scaling group is started to when nothing is recorded for it: `min-desired-max`, e.g. `1-2-4`. */
export const SIZES_TAG = 'ScheduleSizes';
/** Position of a resource in its application's start order: a whole number 0–99, lower starts first. */
export const START_ORDER_TAG = 'ScheduleStartOrder';
/** Default tag key naming the application a resource belongs to (configurable: `resources.applicationTag`). */
export const DEFAULT_APPLICATION_TAG = 'ScheduleApplication';
/** Default `Schedule` value that means "never touch" (configurable: `resources.optOutValues`). */
export const DEFAULT_OPT_OUT_VALUES: readonly string[] = ['ignore'];

/** Largest size accepted in a sizes tag (far above any real group; a typo such as `1-2-40000` is refused). */
export const MAX_GROUP_SIZE = 10_000;

/**
 * Whether a `Schedule` tag value is one of the opt-out values (compared as schedule names are: ignoring case, spaces,
 * underscores and dashes, so `Ignore`, ` IGNORE ` and `ignore` all match `ignore`).
 * @returns the opt-out value it matched, or undefined
 */
export function optOutValue(tagValue: string | undefined, optOutValues: readonly string[]): string | undefined {
  if (typeof tagValue !== 'string') return undefined;
  const key = normalizeScheduleName(tagValue);
  if (key === '') return undefined;
  return optOutValues.find((value) => normalizeScheduleName(value) === key);
}

/**
 * Parse a `ScheduleSizes` tag: `min-desired-max` (whole numbers, `min ≤ desired ≤ max`, `max ≥ 1`), e.g. `1-2-4`;
 * the format of Instance Scheduler on AWS's group sizes. Spaces around the numbers are allowed.
 */
export function parseSizesTag(value: string): { ok: true; sizes: GroupSizes } | { ok: false; reason: string } {
  if (typeof value !== 'string') return { ok: false, reason: `${SIZES_TAG} tag is not a string` };
  if (value.length > MAX_TAG_VALUE_LENGTH) {
    return { ok: false, reason: `${SIZES_TAG} tag is longer than ${MAX_TAG_VALUE_LENGTH} characters` };
  }
  const match = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(value);
  if (!match) {
    return {
      ok: false,
      reason: `${SIZES_TAG} tag ${JSON.stringify(value)} is not "min-desired-max" (three whole numbers, e.g. "1-2-4")`,
    };
  }
  const [min, desired, max] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (max > MAX_GROUP_SIZE) {
    return { ok: false, reason: `${SIZES_TAG} tag ${JSON.stringify(value)}: max ${max} is above ${MAX_GROUP_SIZE}` };
  }
  if (max < 1) return { ok: false, reason: `${SIZES_TAG} tag ${JSON.stringify(value)}: max must be at least 1` };
  if (!(min <= desired && desired <= max)) {
    return {
      ok: false,
      reason: `${SIZES_TAG} tag ${JSON.stringify(value)}: sizes must satisfy min ≤ desired ≤ max`,
    };
  }
  return { ok: true, sizes: { min, desired, max } };
}

/** Parse a `ScheduleStartOrder` tag: a whole number 0–99. */
export function parseStartOrderTag(value: string): { ok: true; order: number } | { ok: false; reason: string } {
  if (typeof value !== 'string' || !/^\s*\d{1,2}\s*$/.test(value)) {
    return {
      ok: false,
      reason: `${START_ORDER_TAG} tag ${JSON.stringify(String(value).slice(0, 40))} is not a whole number 0–99`,
    };
  }
  return { ok: true, order: Number(value.trim()) };
}

/** Sizes as reasons and the sizes tag write them: `1-2-4` (min-desired-max). */
export function sizesText(sizes: GroupSizes): string {
  return `${sizes.min}-${sizes.desired}-${sizes.max}`;
}

/** True when two sizes are the same. */
export function sameSizes(a: GroupSizes | undefined, b: GroupSizes | undefined): boolean {
  return a !== undefined && b !== undefined && a.min === b.min && a.desired === b.desired && a.max === b.max;
}

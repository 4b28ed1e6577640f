import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inMaintenanceWindow, parseMaintenanceWindow } from '../../../lambdas/core/resources/maintenance-window';
import { groupState, rdsState } from '../../../lambdas/core/resources/state';
import { optOutValue, parseSizesTag, parseStartOrderTag } from '../../../lambdas/core/resources/tags';

describe('Module: resources tags', () => {
  describe('Function: parseSizesTag', () => {
    it.each([
      ['1-2-4', { min: 1, desired: 2, max: 4 }],
      [' 0 - 0 - 3 ', { min: 0, desired: 0, max: 3 }],
      ['10000-10000-10000', { min: 10_000, desired: 10_000, max: 10_000 }],
    ])('reads %j', (value, sizes) => {
      // Act
      const result = parseSizesTag(value);

      // Assess
      expect(result).toEqual({ ok: true, sizes });
    });

    it.each(['', '1-2', '1/2/4', '-1-2-4', '1-2-4-8', '3-2-4', '1-5-4', '0-0-0', '1-1-10001', '1.5-2-4'])(
      'refuses %j with a reason',
      (value) => {
        // Act
        const result = parseSizesTag(value);

        // Assess
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason).toMatch(/ScheduleSizes tag/);
      },
    );

    it('never throws and only accepts min ≤ desired ≤ max with max ≥ 1', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 300 }), (value) => {
          const result = parseSizesTag(value);
          if (result.ok) {
            const { min, desired, max } = result.sizes;
            return min <= desired && desired <= max && max >= 1 && max <= 10_000;
          }
          return result.reason.length > 0;
        }),
      );
      fc.assert(
        fc.property(fc.nat(50), fc.nat(50), fc.nat(50), (a, b, c) => {
          const [min, desired, max] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
          const result = parseSizesTag(`${min}-${desired}-${max}`);
          return max === 0 ? !result.ok : result.ok && result.sizes.max === max;
        }),
      );
    });
  });

  describe('Function: parseStartOrderTag', () => {
    it.each([
      ['0', 0],
      [' 7 ', 7],
      ['99', 99],
    ])('reads %j as %d', (value, order) => {
      // Act / Assess
      expect(parseStartOrderTag(value)).toEqual({ ok: true, order });
    });

    it.each(['', '-1', '100', 'first', '1.5'])('refuses %j', (value) => {
      // Act / Assess
      expect(parseStartOrderTag(value).ok).toBe(false);
    });
  });

  describe('Function: optOutValue', () => {
    it.each([
      ['ignore', 'ignore'],
      ['IGNORE', 'ignore'],
      ['Do Not Touch', 'do-not-touch'],
      ['do_not_touch', 'do-not-touch'],
    ])('matches %j against the opt-out value %j', (tag, value) => {
      // Act / Assess
      expect(optOutValue(tag, ['ignore', 'do-not-touch'])).toBe(value);
    });

    it.each(['office-hours', '', '   ', 'ignored'])('does not match %j', (tag) => {
      // Act / Assess
      expect(optOutValue(tag, ['ignore'])).toBeUndefined();
    });
  });

  describe('Function: parseMaintenanceWindow / inMaintenanceWindow', () => {
    it.each([
      // [window, time (UTC), inside]
      ['mon:20:30-mon:21:00', '2026-03-02T20:19:59Z', false],
      ['mon:20:30-mon:21:00', '2026-03-02T20:20:00Z', true],
      ['mon:20:30-mon:21:00', '2026-03-02T20:59:59Z', true],
      ['mon:20:30-mon:21:00', '2026-03-02T21:00:00Z', false],
      ['mon:20:30-mon:21:00', '2026-03-09T20:45:00Z', true],
      ['mon:20:30-mon:21:00', '2026-03-03T20:45:00Z', false],
      // across midnight and the end of the week (Sunday 23:50 to Monday 00:20)
      ['sun:23:50-mon:00:20', '2026-03-01T23:40:00Z', true],
      ['sun:23:50-mon:00:20', '2026-03-02T00:19:00Z', true],
      ['sun:23:50-mon:00:20', '2026-03-02T00:20:00Z', false],
      ['sun:23:50-mon:00:20', '2026-03-01T23:39:00Z', false],
      // a lead that crosses midnight: Monday 00:05 starts being kept running Sunday 23:55
      ['Mon:00:05-Mon:00:35', '2026-03-01T23:56:00Z', true],
    ])('%s at %s → %s', (text, at, inside) => {
      // Prepare
      const parsed = parseMaintenanceWindow(text);

      // Act / Assess
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(inMaintenanceWindow(parsed.window, Date.parse(at))).toBe(inside);
    });

    it.each(['', 'sun:05:00', 'sun:25:00-sun:26:00', 'xyz:05:00-xyz:06:00', 'sun:05:00-sun:05:00'])(
      'refuses %j',
      (text) => {
        // Act / Assess
        expect(parseMaintenanceWindow(text).ok).toBe(false);
      },
    );
  });

  describe('Functions: rdsState, groupState', () => {
    it.each([
      ['available', 'running'],
      ['Available', 'running'],
      ['starting', 'starting'],
      ['stopping', 'stopping'],
      ['stopped', 'stopped'],
      ['backing-up', 'busy'],
      ['modifying', 'busy'],
      ['storage-full', 'unavailable'],
      ['inaccessible-encryption-credentials', 'unavailable'],
      ['deleting', 'unavailable'],
      ['something-new', 'busy'],
    ])('RDS %s → %s', (status, state) => {
      // Act / Assess
      expect(rdsState(status)).toBe(state);
    });

    it.each([
      [{ min: 1, desired: 2, max: 4 }, 2, undefined, 'running'],
      [{ min: 0, desired: 0, max: 4 }, 1, undefined, 'stopping'],
      [{ min: 0, desired: 0, max: 0 }, 0, undefined, 'stopped'],
      [{ min: 1, desired: 1, max: 1 }, 1, 'Delete in progress', 'unavailable'],
    ])('group %j with %d instances (%s) → %s', (sizes, count, status, state) => {
      // Prepare
      const instances = Array.from({ length: count }, (_, i) => ({ id: `i-${i}`, lifecycleState: 'InService' }));

      // Act / Assess
      expect(groupState(sizes, instances, status)).toBe(state);
    });
  });
});

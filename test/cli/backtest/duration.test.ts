import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, InvalidDurationError, parseDuration } from '../../../cli/backtest/duration';

describe('Module: duration', () => {
  describe('Function: parseDuration', () => {
    it.each([
      ['30m', 30],
      ['2h', 120],
      ['1h30m', 90],
      ['90m', 90],
      ['1d', 1440],
      ['1d2h3m', 1440 + 120 + 3],
      ['0m', 0],
      ['0', 0],
      ['36h', 2160],
    ])('reads %s as %i minutes', (text, minutes) => {
      // Prepare: the values are the docs/backtest.md examples and their arithmetic (1 h = 60 min, 1 d = 1440 min).

      // Act
      const parsed = parseDuration(text);

      // Assess
      expect(parsed).toBe(minutes);
    });

    it.each(['', '30', '1.5h', '2m1h', '-1h', '1 h', 'h', '1h30', '1H', '2hours', '1h 30m', 'm30'])(
      'refuses %j with an error naming the option',
      (text) => {
        // Prepare
        const act = () => parseDuration(text, '--window');

        // Act & Assess
        expect(act).toThrow(InvalidDurationError);
        expect(act).toThrow(/--window/);
      },
    );

    it('reads any days, hours and minutes written in that order as their sum in minutes', () => {
      // Prepare
      const parts = fc.record({
        d: fc.option(fc.nat(999), { nil: undefined }),
        h: fc.option(fc.nat(9999), { nil: undefined }),
        m: fc.option(fc.nat(99999), { nil: undefined }),
      });

      // Act & Assess
      fc.assert(
        fc.property(parts, ({ d, h, m }) => {
          fc.pre(d !== undefined || h !== undefined || m !== undefined);
          const text = `${d === undefined ? '' : `${d}d`}${h === undefined ? '' : `${h}h`}${m === undefined ? '' : `${m}m`}`;
          expect(parseDuration(text)).toBe((d ?? 0) * 1440 + (h ?? 0) * 60 + (m ?? 0));
        }),
      );
    });

    it('either returns whole minutes ≥ 0 or throws InvalidDurationError for any text', () => {
      // Prepare
      const text = fc.oneof(fc.string(), fc.stringMatching(/^[0-9dhm .-]{0,8}$/));

      // Act & Assess
      fc.assert(
        fc.property(text, (input) => {
          try {
            const minutes = parseDuration(input);
            expect(Number.isSafeInteger(minutes) && minutes >= 0).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidDurationError);
          }
        }),
      );
    });
  });

  describe('Function: formatDuration', () => {
    it.each([
      [0, '0m'],
      [45, '45m'],
      [60, '1h'],
      [90, '1h30m'],
      [1500, '25h'],
    ])('writes %i minutes as %s', (minutes, text) => {
      // Prepare: 90 = 1 × 60 + 30; 1500 = 25 × 60.

      // Act
      const written = formatDuration(minutes);

      // Assess
      expect(written).toBe(text);
    });

    it('is read back by parseDuration as the same number of minutes', () => {
      // Prepare
      const minutes = fc.nat(10_000_000);

      // Act & Assess
      fc.assert(
        fc.property(minutes, (n) => {
          expect(parseDuration(formatDuration(n))).toBe(n);
        }),
      );
    });

    it('refuses a negative or fractional number of minutes', () => {
      // Prepare
      const negative = () => formatDuration(-1);
      const fractional = () => formatDuration(1.5);

      // Act & Assess
      expect(negative).toThrow(RangeError);
      expect(fractional).toThrow(RangeError);
    });
  });
});

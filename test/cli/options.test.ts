import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/context';
import { checkEndpointUrl, didYouMean, nearestNames, parseHalfOpen, parseTime } from '../../cli/options';

describe('Module: cli options', () => {
  describe('Function: parseTime', () => {
    it('reads dates, times and offsets; times without an offset are in the given zone', () => {
      // Act & Assess
      expect(parseTime('2026-11-23', '--at')).toBe(Date.UTC(2026, 10, 23));
      expect(parseTime('2026-11-23T09:00Z', '--at')).toBe(Date.UTC(2026, 10, 23, 9));
      expect(parseTime('2026-11-23T10:00+01:00', '--at')).toBe(Date.UTC(2026, 10, 23, 9));
      expect(parseTime('2026-07-01T10:00', '--at', 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 1, 8));
      expect(parseTime('2028-02-29', '--at')).toBe(Date.UTC(2028, 1, 29));
    });

    it.each([
      ['2026-02-30', /February 2026 has 28 days/],
      ['2026-04-31T00:00Z', /April 2026 has 30 days/],
      ['2026-13-01', /month 13 does not exist/],
      ['2026-11-23T24:00Z', /hour 24 does not exist/],
      ['2026-11-23T09:60Z', /minute 60 does not exist/],
      ['monday', /is not an ISO-8601 date or time/],
      ['2026-W05', /is not an ISO-8601 date or time/],
      ['1700000000', /is not an ISO-8601 date or time/],
    ])('rejects %s instead of rolling it over', (text, message) => {
      // Act & Assess
      expect(() => parseTime(text, '--at')).toThrow(CliError);
      expect(() => parseTime(text, '--at')).toThrow(message);
    });

    it('agrees with Date on every valid UTC instant written as ISO-8601 (property)', () => {
      fc.assert(
        fc.property(
          fc.date({ min: new Date('1971-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
          (date) => {
            const text = date.toISOString();
            expect(parseTime(text, '--at')).toBe(date.getTime());
          },
        ),
      );
    });
  });

  describe('Function: parseHalfOpen', () => {
    it('includes --from and excludes --to, and refuses an empty period', () => {
      // Act & Assess
      expect(parseHalfOpen('2026-11-01', '2026-12-01')).toEqual({
        fromMs: Date.UTC(2026, 10, 1),
        toMs: Date.UTC(2026, 11, 1),
      });
      expect(() => parseHalfOpen('2026-11-01', '2026-11-01')).toThrow(/--to 2026-11-01 is not after --from/);
    });
  });

  describe('Function: checkEndpointUrl', () => {
    it.each([
      ['http://localhost:4566', undefined],
      ['https://dynamodb.eu-central-1.amazonaws.com', undefined],
      ['localhost:4566', /has the scheme localhost/],
      ['ftp://host', /has the scheme ftp/],
      ['not a url', /is not a URL/],
      ['http://user:pw@host', /carries credentials/],
      ['http://host/?a=1', /has a query or fragment/],
    ])('%s', (url, problem) => {
      // Act & Assess
      if (problem === undefined) expect(checkEndpointUrl(url)).toBe(url);
      else expect(() => checkEndpointUrl(url)).toThrow(problem);
    });
  });

  describe('Function: nearestNames', () => {
    it('suggests the nearest names, best first', () => {
      // Act & Assess
      const regions = ['eu-central-1', 'eu-central-2', 'us-east-1', 'ca-central-1'];
      expect(nearestNames('eu-centrall-1', regions)[0]).toBe('eu-central-1');
      expect(didYouMean('us-eats-1', regions)).toBe(' Did you mean us-east-1?');
      expect(didYouMean('mars-base', regions)).toBe('');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { parseOverrideTag, parseScheduleTag } from '../../../lambdas/core/schedule/tags';

const NOW = new Date('2026-11-22T12:00:00Z');

describe('Module: schedule tags', () => {
  describe('Function: parseScheduleTag', () => {
    it.each([
      ['office-hours', 'office-hours'],
      ['  Office Hours  ', 'Office Hours'],
      ['24/7 Always Running', '24/7 Always Running'],
    ])('accepts "%s" as "%s"', (value, name) => {
      // Act
      const result = parseScheduleTag(value);

      // Assess
      expect(result).toEqual({ ok: true, name });
    });

    it.each([
      [undefined, 'no Schedule tag'],
      ['', 'Schedule tag is empty'],
      ['\t ', 'Schedule tag is empty'],
      ['x'.repeat(257), 'longer than 256 characters'],
      ['office\u0000hours', 'control characters'],
      [42 as unknown as string, 'not a string'],
    ])('rejects %j with reason "%s"', (value, reason) => {
      // Act
      const result = parseScheduleTag(value);

      // Assess
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.reason).toContain(reason);
    });
  });

  describe('Function: parseOverrideTag', () => {
    it.each([
      ['running', 'running'],
      ['stopped', 'stopped'],
      ['  Stopped ', 'stopped'],
      ['RUNNING', 'running'],
    ])('accepts "%s" without an expiry as an active %s override', (value, state) => {
      // Act
      const result = parseOverrideTag(value, NOW);

      // Assess
      expect(result).toEqual({ ok: true, state, active: true });
    });

    it.each([
      ['stopped until 2026-11-22T18:00Z', 'stopped', '2026-11-22T18:00:00.000Z', true],
      ['running until 2026-11-22T19:00+01:00', 'running', '2026-11-22T18:00:00.000Z', true],
      ['running UNTIL 2026-11-22T13:30:00-05:00', 'running', '2026-11-22T18:30:00.000Z', true],
      ['stopped until 2026-11-22T11:59Z', 'stopped', '2026-11-22T11:59:00.000Z', false],
      ['stopped until 2026-11-22T12:00Z', 'stopped', '2026-11-22T12:00:00.000Z', false],
      ['stopped until 2026-11-22T12:00:01Z', 'stopped', '2026-11-22T12:00:01.000Z', true],
    ])('reads "%s" as %s until %s (active: %s at 12:00Z)', (value, state, until, active) => {
      // Act
      const result = parseOverrideTag(value, NOW);

      // Assess
      expect(result).toEqual({ ok: true, state, until: new Date(until), active });
    });

    it.each([
      [undefined, 'no override tag'],
      ['', 'ScheduleOverride tag is empty'],
      ['paused', 'is not "running" or "stopped"'],
      ['stopped till 2026-11-22T18:00Z', 'is not "running" or "stopped"'],
      ['stopped until', 'is not "running" or "stopped"'],
      ['stopped until 2026-11-22T18:00', 'has no UTC offset'],
      ['stopped until 2026-11-22', 'has no time of day'],
      ['stopped until 2026-13-22T18:00Z', 'is not an ISO-8601 date and time'],
      ['stopped until tomorrowZ', 'is not an ISO-8601 date and time'],
      ['stopped until 2026-11-22T18:00Z please', 'is not "running" or "stopped"'],
    ])('rejects %j with reason containing "%s"', (value, reason) => {
      // Act
      const result = parseOverrideTag(value, NOW);

      // Assess
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.reason).toContain(reason);
    });
  });
});

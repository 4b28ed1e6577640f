import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../cli/context';
import { main } from '../../cli/main';
import { captureCli } from '../support/cli';

interface Captured {
  ctx: CliContext;
  out: () => string;
  err: () => string;
  lastLine: () => string;
}

function fakeContext(cwd: string, now = '2026-03-02T09:00:00Z'): Captured {
  return captureCli({ cwd, now });
}

describe('Module: cli schedule', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'schedule-cli-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Function: schedule check', () => {
    it.each([
      ['2026-03-02T08:00:00Z', 'running'],
      ['2026-03-02T07:59:59Z', 'stopped'],
      ['2026-03-07T12:00:00Z', 'stopped'],
    ])('prints the state of a built-in at %s as the last line: %s', async (at, expected) => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(['schedule', 'check', '--schedule', 'office-hours', '--at', at], cli.ctx);

      // Assess
      expect(code).toBe(0);
      expect(cli.lastLine()).toBe(expected);
    });

    it('explains the matching period on earlier lines', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      await main(
        ['schedule', 'check', '--schedule', 'Office Hours + Weekend Shutdown', '--at', '2026-03-02T09:00Z'],
        cli.ctx,
      );

      // Assess
      const lines = cli.out().trimEnd().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[2]).toBe(
        'office-hours: running in period 1 "office hours" (mon-fri 08:00–18:00) at Mon 2026-03-02 09:00 UTC',
      );
    });

    it('uses the clock when --at is not given', async () => {
      // Prepare: Saturday
      const cli = fakeContext(dir, '2026-03-07T09:00:00Z');

      // Act
      await main(['schedule', 'check', '--schedule', 'extended-dev'], cli.ctx);

      // Assess
      expect(cli.lastLine()).toBe('stopped');
    });

    it('reads a schedule and its default time zone from --config', async () => {
      // Prepare: 05:30Z is 07:30 in Athens (EET, +2) — inside 07:00–09:00
      const file = join(dir, 'custom.json');
      writeFileSync(
        file,
        JSON.stringify({
          timezone: 'Europe/Athens',
          schedules: [{ name: 'Early Birds', periods: [{ begintime: '07:00', endtime: '09:00' }] }],
        }),
      );
      const cli = fakeContext(dir);

      // Act
      const code = await main(
        ['schedule', 'check', '--schedule', 'early_birds', '--config', file, '--at', '2026-03-02T05:30Z'],
        cli.ctx,
      );

      // Assess
      expect(code).toBe(0);
      expect(cli.lastLine()).toBe('running');
    });

    it('reads carbon-scheduler.config.json from the working directory', async () => {
      // Prepare
      writeFileSync(
        join(dir, 'carbon-scheduler.config.json'),
        JSON.stringify({ schedules: [{ name: 'weekend', periods: [{ weekdays: 'sat,sun' }] }] }),
      );
      const cli = fakeContext(dir);

      // Act
      await main(['schedule', 'check', '--schedule', 'weekend', '--at', '2026-03-07T12:00Z'], cli.ctx);

      // Assess
      expect(cli.lastLine()).toBe('running');
    });

    it('evaluates --periods JSON in --timezone, reading a time without offset as local time', async () => {
      // Prepare
      const periods = JSON.stringify([{ begintime: '22:00', endtime: '06:00', weekdays: 'fri' }]);
      const local = fakeContext(dir);
      const utc = fakeContext(dir);

      // Act: Saturday 7 March 05:30 Berlin (04:30Z) is inside the Friday night; 05:30Z is 06:30 Berlin
      await main(
        ['schedule', 'check', '--periods', periods, '--timezone', 'Europe/Berlin', '--at', '2026-03-07T05:30'],
        local.ctx,
      );
      await main(
        ['schedule', 'check', '--periods', periods, '--timezone', 'Europe/Berlin', '--at', '2026-03-07T05:30Z'],
        utc.ctx,
      );

      // Assess
      expect(local.lastLine()).toBe('running');
      expect(utc.lastLine()).toBe('stopped');
    });

    it('accepts one period object and a whole schedule definition as --periods', async () => {
      // Prepare
      const single = fakeContext(dir);
      const whole = fakeContext(dir);

      // Act
      await main(['schedule', 'check', '--periods', '{"begintime":"08:00"}', '--at', '2026-03-02T07:00Z'], single.ctx);
      await main(
        ['schedule', 'check', '--periods', '{"periods":[{}],"overrideStatus":"stopped"}', '--at', '2026-03-02T07:00Z'],
        whole.ctx,
      );

      // Assess
      expect(single.lastLine()).toBe('any');
      expect(whole.lastLine()).toBe('stopped');
    });

    it('prints one JSON object with --json', async () => {
      // Prepare
      const cli = fakeContext(dir);
      const periods = JSON.stringify([
        { name: 'core', begintime: '10:00', endtime: '16:00', instanceType: 'm7g.large' },
      ]);

      // Act
      const code = await main(
        [
          '--json',
          'schedule',
          'check',
          '--periods',
          periods,
          '--timezone',
          'America/New_York',
          '--at',
          '2026-03-09T14:00:00Z',
        ],
        cli.ctx,
      );

      // Assess: 14:00Z on 9 March 2026 is 10:00 EDT
      expect(code).toBe(0);
      expect(JSON.parse(cli.out())).toEqual({
        schedule: 'periods',
        timezone: 'America/New_York',
        at: '2026-03-09T14:00:00.000Z',
        localTime: '2026-03-09T10:00:00-04:00',
        state: 'running',
        period: 'core',
        instanceType: 'm7g.large',
        carbonPolicy: 'none',
        reason:
          'periods: running in period 1 "core" (every day 10:00–16:00 as m7g.large) at Mon 2026-03-09 10:00 America/New_York',
      });
    });

    it.each([
      [['schedule', 'check', '--at', '2026-03-02T09:00Z'], 'give exactly one of --schedule NAME or --periods JSON'],
      [['schedule', 'check', '--schedule', 'office-hours', '--periods', '[]'], 'give exactly one of'],
      [['schedule', 'check', '--schedule', 'night-owl'], 'unknown schedule "night-owl"'],
      [['schedule', 'check', '--periods', '[{"weekdays":"mon-fry"}]'], 'weekdays "mon-fry": "fry" is not a weekday'],
      [['schedule', 'check', '--periods', '{not json'], '--periods is not valid JSON'],
      [['schedule', 'check', '--periods', '[{}]', '--timezone', 'Mars/Base'], '--timezone "Mars/Base" is not an IANA'],
      [
        ['schedule', 'check', '--schedule', 'office-hours', '--at', 'yesterday'],
        '--at "yesterday" is not an ISO-8601 date or time',
      ],
      [['schedule', 'check', '--schedule', 'office-hours', '--config', 'missing.json'], 'does not exist'],
    ])('fails with exit code 2 and a clear message for %j', async (argv, message) => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(argv, cli.ctx);

      // Assess
      expect(code).toBe(2);
      expect(cli.err()).toContain(message);
      expect(cli.out()).toBe('');
    });

    it('fails with exit code 2 when the configured schedules are invalid', async () => {
      // Prepare
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify({ schedules: [{ name: 'lab', periods: [{ months: 'smarch' }] }] }));
      const cli = fakeContext(dir);

      // Act
      const code = await main(['schedule', 'check', '--schedule', 'lab', '--config', file], cli.ctx);

      // Assess
      expect(code).toBe(2);
      expect(cli.err()).toContain('schedules[0]: schedule "lab", period 1, months "smarch": "smarch" is not a month');
    });
  });

  describe('Function: schedule next', () => {
    it('lists the next transitions of a built-in', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(
        ['schedule', 'next', '--schedule', 'office-hours', '--after', '2026-03-06T17:00Z', '--count', '3'],
        cli.ctx,
      );

      // Assess
      expect(code).toBe(0);
      const lines = cli.out().trimEnd().split('\n');
      expect(lines.slice(1)).toEqual([
        'running at 2026-03-06T17:00:00.000Z (Fri 2026-03-06 17:00:00 +00:00)',
        '2026-03-06T18:00:00.000Z  Fri 2026-03-06 18:00:00 +00:00  stopped',
        '2026-03-09T08:00:00.000Z  Mon 2026-03-09 08:00:00 +00:00  running',
        '2026-03-09T18:00:00.000Z  Mon 2026-03-09 18:00:00 +00:00  stopped',
      ]);
    });

    it('prints the transitions as JSON, across a DST change', async () => {
      // Prepare
      const cli = fakeContext(dir, '2026-03-27T17:00:00Z');
      const periods = JSON.stringify([{ begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }]);

      // Act
      await main(
        ['--json', 'schedule', 'next', '--periods', periods, '--timezone', 'Europe/Berlin', '--count', '2'],
        cli.ctx,
      );

      // Assess
      expect(JSON.parse(cli.out())).toEqual({
        schedule: 'periods',
        timezone: 'Europe/Berlin',
        after: '2026-03-27T17:00:00.000Z',
        state: 'stopped',
        transitions: [
          { at: '2026-03-30T06:00:00.000Z', localTime: '2026-03-30T08:00:00+02:00', state: 'running' },
          { at: '2026-03-30T16:00:00.000Z', localTime: '2026-03-30T18:00:00+02:00', state: 'stopped' },
        ],
      });
    });

    it('says when the state never changes', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      await main(['schedule', 'next', '--schedule', 'always-on'], cli.ctx);

      // Assess
      expect(cli.lastLine()).toBe('no further change within 366 days');
    });

    it('rejects a bad --count', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(['schedule', 'next', '--schedule', 'always-on', '--count', '0'], cli.ctx);

      // Assess
      expect(code).toBe(2);
      expect(cli.err()).toContain('--count "0" must be a whole number from 1 to 1000');
    });
  });

  describe('Function: schedule list', () => {
    it('lists built-in and configured schedules', async () => {
      // Prepare
      const file = join(dir, 'c.json');
      writeFileSync(
        file,
        JSON.stringify({ timezone: 'Asia/Tokyo', schedules: [{ name: 'lab', periods: [{ weekdays: 'sat' }] }] }),
      );
      const cli = fakeContext(dir);

      // Act
      await main(['--json', 'schedule', 'list', '--config', file], cli.ctx);

      // Assess
      const rows = JSON.parse(cli.out()) as { name: string; builtIn: boolean; timezone: string; periods: string[] }[];
      expect(rows.map((r) => r.name)).toEqual(['office-hours', 'extended-dev', 'always-on', 'carbon-aware', 'lab']);
      expect(rows[4]).toMatchObject({ builtIn: false, timezone: 'Asia/Tokyo', periods: ['sat all day'] });
    });
  });
});

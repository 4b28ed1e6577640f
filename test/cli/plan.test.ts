import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanJson } from '../../cli/commands/plan';
import { main } from '../../cli/main';
import { captureCli } from '../support/cli';

const REPO = join(import.meta.dirname, '../..');
const FLEET = join(REPO, 'examples/fleet.json');
const TRACE = join(REPO, 'examples/carbon-trace-2023-01-09.csv');

/** Instance ids of examples/fleet.json. */
const ID = {
  officeStopped: 'i-01276addef597b95b', // m5.large eu-central-1, office-hours, stopped
  officeRunning: 'i-0cd1c2c7eb0dedb58', // t3.medium eu-central-1, office-hours, running
  carbonAware: 'i-05eb5311b0b7b2fa8', // c6g.large eu-central-1, carbon-aware, running
  extendedRunning: 'i-03e25f05ac4250563', // m6i.xlarge eu-west-1, extended-dev, running
  extendedAlias: 'i-05b0c9b544c33c1f2', // m5.large eu-west-1, "Extended Development Hours", stopped
  badOverride: 'i-005163fe492229f28', // ScheduleOverride "stopped until friday"
  alwaysOn: 'i-04b6988316af41de1',
  untagged: 'i-0c93379f0f3a1fc9c',
  badTag: 'i-03331fbbac160ab36', // Schedule "office-hourz"
  asg: 'i-046c4364bdedfee28',
  spot: 'i-080885802cbca15c3',
  localZone: 'i-088f934a635b4374a', // m5.large us-east-1-bos-1a, "Office Hours + Weekend Shutdown"
};

function fakeContext(cwd: string, now = '2026-11-23T09:00:00Z') {
  return captureCli({ cwd, now });
}

describe('Module: cli plan', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plan-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Command: plan --carbon static', () => {
    it('plans Monday 09:00 for the example fleet (--json), with the day ahead priced by hand', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(['plan', '--fleet', FLEET, '--carbon', 'static', '--json'], cli.ctx);

      // Assess
      expect(code).toBe(0);
      const plan = JSON.parse(cli.out()) as PlanJson;
      expect(plan.at).toBe('2026-11-23T09:00:00.000Z');
      const byId = new Map(plan.instances.map((i) => [i.instanceId, i]));
      expect(Object.keys(plan.instances[0]!)).toEqual([
        'resourceType',
        'id',
        'instanceId',
        'region',
        'instanceType',
        'schedule',
        'desired',
        'action',
        'reason',
        'carbon',
      ]);
      expect(byId.get(ID.officeStopped)).toMatchObject({
        region: 'eu-central-1',
        schedule: 'office-hours',
        desired: 'running',
        action: 'start',
        carbon: { gCO2ePerKWh: 342, provider: 'static', ageSeconds: 0 },
      });
      expect(byId.get(ID.extendedAlias)).toMatchObject({ schedule: 'extended-dev', action: 'start' });
      expect(byId.get(ID.localZone)).toMatchObject({ region: 'us-east-1', schedule: 'office-hours', action: 'none' });
      expect(byId.get(ID.carbonAware)?.reason).toContain('pause-when-dirty holds');
      for (const id of [ID.badOverride, ID.badTag, ID.asg, ID.spot, ID.untagged]) {
        expect(byId.get(id)).toMatchObject({ action: 'none', desired: null });
      }
      expect(byId.get(ID.untagged)?.schedule).toBeNull();
      expect(plan.totals).toMatchObject({
        instances: 12,
        managed: 7,
        start: 2,
        stop: 0,
        resize: 0,
        none: 10,
        invalidTags: 2,
        skipped: 2,
        unmanaged: 1,
        carbonSource: 'static',
        unreadable: 0,
        horizonHours: 24,
      });
      // Monday 09:00 → Tuesday 09:00: office-hours stopped 18:00–08:00 = 14 h (3 instances), extended-dev
      // 22:00–07:00 = 9 h (2 instances), carbon-aware holds on static data, always-on never stops: 60 h.
      expect(plan.totals.estimatedStoppedHours).toBeCloseTo(60, 9);
      // On-demand Linux USD/h: eu-central-1 m5.large 0.115, t3.medium 0.048; us-east-1 m5.large 0.096;
      // eu-west-1 m6i.xlarge 0.214, m5.large 0.107 → 14 × (0.115 + 0.048 + 0.096) + 9 × (0.214 + 0.107) = 6.515
      expect(plan.totals.estimatedUsd).toBeCloseTo(6.515, 9);
    });

    it('stops running office-hours instances on Saturday and prints a table, reasons and totals', async () => {
      // Prepare
      const cli = fakeContext(dir, '2026-11-21T12:00:00Z');

      // Act
      const code = await main(['plan', '--fleet', FLEET], cli.ctx);

      // Assess
      expect(code).toBe(0);
      const text = cli.out();
      expect(text).toContain('Plan at 2026-11-21T12:00Z (Sat 12:00 UTC)');
      expect(text).toMatch(
        new RegExp(`${ID.officeRunning}\\s+eu-central-1\\s+t3.medium\\s+office-hours\\s+running\\s+stop\\s`),
      );
      expect(text).toMatch(
        new RegExp(`${ID.localZone}\\s+us-east-1\\s+m5.large\\s+office-hours\\s+running\\s+stop\\s`),
      );
      // The reason is printed beneath its row, indented.
      expect(text).toMatch(
        new RegExp(`${ID.badTag}.*\\n    Schedule tag "office-hourz": unknown schedule "office-hourz"`),
      );
      const flat = text.replace(/\s+/g, ' ');
      expect(flat).toContain(
        'Instances: 12 = 7 managed (0 start, 3 stop, 0 resize, 4 already as wanted) + 2 with a bad tag + 2 skipped + ' +
          '1 without a Schedule tag (none of these 5 is acted on).',
      );
    });
  });

  describe('Command: plan --carbon trace:FILE', () => {
    it('takes each zone’s value at --at and pauses carbon-aware above the threshold', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(
        ['plan', '--fleet', FLEET, '--carbon', `trace:${TRACE}`, '--at', '2023-01-09T09:00:00Z', '--json'],
        cli.ctx,
      );

      // Assess: trace rows at 09:00: DE 403.0, US-MIDA-PJM 378.65; eu-west-1 (IE) is not in the trace
      expect(code).toBe(0);
      const plan = JSON.parse(cli.out()) as PlanJson;
      const byId = new Map(plan.instances.map((i) => [i.instanceId, i]));
      expect(byId.get(ID.carbonAware)).toMatchObject({
        desired: 'stopped',
        action: 'stop',
        carbon: { gCO2ePerKWh: 403, provider: 'trace', ageSeconds: 0 },
      });
      expect(byId.get(ID.alwaysOn)?.carbon).toEqual({ gCO2ePerKWh: 378.7, provider: 'trace', ageSeconds: 0 });
      expect(byId.get(ID.extendedRunning)?.carbon.provider).toBe('static');
      expect(plan.totals.carbonSource).toBe(`trace:${TRACE}`);
    });

    it('says which regions the trace does not cover', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      await main(['plan', '--fleet', FLEET, '--carbon', `trace:${TRACE}`, '--at', '2023-01-09T09:00:00Z'], cli.ctx);

      // Assess
      expect(cli.out()).toContain(
        'eu-west-1: the trace has no zone IE for eu-west-1 (zones: DE, GB, US-MIDA-PJM); using the static annual average',
      );
    });
  });

  describe('Command: plan --carbon live', () => {
    it('says when no live provider is available and falls back to static values', async () => {
      // Prepare: a config that lists only the static provider (no network)
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ carbon: { providers: ['static'] } }));
      const cli = fakeContext(dir);

      // Act
      const code = await main(['plan', '--fleet', FLEET, '--carbon', 'live', '--config', 'config.json'], cli.ctx);

      // Assess
      expect(code).toBe(0);
      expect(cli.out().replace(/\s+/g, ' ')).toContain('carbon: static (no live provider is enabled');
    });
  });

  describe('Command: plan (bad input)', () => {
    it.each([
      [['--fleet', 'missing.json'], /--fleet missing\.json: no such file/],
      [['--fleet', FLEET, '--carbon', 'cached'], /--carbon "cached" is not allowed; use live, static or trace:FILE/],
      [['--fleet', FLEET, '--at', 'monday'], /--at "monday" is not an ISO-8601 date or time/],
      [['--fleet', FLEET, '--carbon', 'trace:nope.csv'], /--carbon trace:nope\.csv: no such file/],
    ])('exits 2 for %j', async (args, message) => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(['plan', ...args], cli.ctx);

      // Assess
      expect(code).toBe(2);
      expect(cli.err()).toMatch(message);
    });

    it('exits 2 for a file that is not a describe-instances document or not JSON, and for a bad trace', async () => {
      // Prepare
      writeFileSync(join(dir, 'list.json'), '[]');
      writeFileSync(join(dir, 'broken.json'), '{"Reservations": [');
      writeFileSync(join(dir, 'trace.csv'), 'time,value\n2023-01-01,1\n');
      const cli = fakeContext(dir);

      // Act
      const notDocument = await main(['plan', '--fleet', 'list.json'], cli.ctx);
      const notJson = await main(['plan', '--fleet', 'broken.json'], cli.ctx);
      const badTrace = await main(['plan', '--fleet', FLEET, '--carbon', 'trace:trace.csv'], cli.ctx);

      // Assess
      expect([notDocument, notJson, badTrace]).toEqual([2, 2, 2]);
      expect(cli.err()).toContain('not a describe-instances document');
      expect(cli.err()).toContain('not valid JSON');
      expect(cli.err()).toContain('unrecognised header');
    });
  });
});

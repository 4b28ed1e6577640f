import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageJson } from '../../cli/commands/schedule-usage';
import { main } from '../../cli/main';
import { captureCli } from '../support/cli';

describe('Command: schedule usage', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'usage-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts office-hours running and stopped hours per day, with dollars and CO2e of m5.large in eu-central-1', async () => {
    // Prepare
    const cli = captureCli({ cwd: dir, now: '2026-11-20T00:00:00Z' });

    // Act: Mon 23 to Mon 30 November 2026 (30 excluded)
    const code = await main(
      ['schedule', 'usage', '--schedule', 'office-hours', '--from', '2026-11-23', '--to', '2026-11-30'].concat([
        '--instance-type',
        'm5.large',
        '--region',
        'eu-central-1',
        '--json',
      ]),
      cli.ctx,
    );

    // Assess, by hand: Mon–Fri 08:00–18:00 = 10 h a day, 50 h in the week, 118 h stopped of 168;
    // m5.large: $0.115/h (snapshot), 2 × (0.6130 + 0.5 × 3.4912) W × 1.135 = 5.354 Wh/h, at 342 g/kWh 1.831 g/h.
    expect(code).toBe(0);
    const usage = JSON.parse(cli.out()) as UsageJson;
    expect(usage.days.map((d) => [d.date, d.runningHours, d.stoppedHours, d.runningPeriods])).toEqual([
      ['2026-11-23', 10, 14, ['08:00–18:00']],
      ['2026-11-24', 10, 14, ['08:00–18:00']],
      ['2026-11-25', 10, 14, ['08:00–18:00']],
      ['2026-11-26', 10, 14, ['08:00–18:00']],
      ['2026-11-27', 10, 14, ['08:00–18:00']],
      ['2026-11-28', 0, 24, []],
      ['2026-11-29', 0, 24, []],
    ]);
    expect(usage.totals.runningHours).toBe(50);
    expect(usage.totals.stoppedHours).toBe(118);
    expect(usage.totals.usd).toBeCloseTo(50 * 0.115, 6);
    expect(usage.totals.usdAvoided).toBeCloseTo(118 * 0.115, 6);
    expect(usage.totals.gCO2e! / 50).toBeCloseTo(5.354 * 0.342, 2);
  });

  it('splits days at local midnight across a DST change and prints totals that add up', async () => {
    // Prepare: a night schedule in Berlin over the last Sunday of March 2026 (clocks go 02:00 → 03:00)
    const cli = captureCli({ cwd: dir, now: '2026-03-01T00:00:00Z' });
    const periods = JSON.stringify([{ begintime: '22:00', endtime: '06:00' }]);

    // Act
    const code = await main(
      [
        'schedule',
        'usage',
        '--periods',
        periods,
        '--timezone',
        'Europe/Berlin',
        '--from',
        '2026-03-28',
        '--to',
        '2026-03-30',
      ],
      cli.ctx,
    );

    // Assess: Sat 28th: 00:00–06:00 and 22:00–24:00 = 8 h; Sun 29th is 23 h long: 00:00–06:00 is 5 h, plus 2 h = 7 h.
    expect(code).toBe(0);
    const text = cli.out();
    expect(text).toMatch(/2026-03-28\s+Sat\s+8\.00\s+16\.00\s+00:00–06:00, 22:00–24:00/);
    expect(text).toMatch(/2026-03-29\s+Sun\s+7\.00\s+16\.00\s+00:00–06:00, 22:00–24:00/);
    expect(text).toMatch(/Total \(2 days\)\s+15\.00\s+32\.00/);
  });
});

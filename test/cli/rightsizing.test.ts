import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { captureCli } from '../support/cli';

const ROOT = resolve(__dirname, '..', '..');
const FLEET = join(ROOT, 'examples', 'rightsizing-fleet.json');
const METRICS = join(ROOT, 'examples', 'rightsizing-metrics.json');

function fakeContext(cwd: string) {
  return captureCli({ cwd, now: '2026-11-20T12:00:00Z' });
}

interface JsonResult {
  window: { start: string; end: string };
  regions: { region: string; analysed: number; recommendations: number; skipped: { instanceId: string }[] }[];
  recommendations: {
    instanceId: string;
    outcome: string;
    status?: string;
    reason: string;
    proposed?: { instanceType: string; monthlySavingsUsd: number };
    graviton?: { instanceType: string; monthlySavingsUsd: number };
  }[];
}

describe('Module: cli rightsizing', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rightsizing-cli-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Command: rightsizing', () => {
    it('recommends from the shipped example files (--json), worked by hand from the files', async () => {
      // Prepare
      const { ctx, out } = fakeContext(dir);

      // Act
      const code = await main(['rightsizing', '--fleet', FLEET, '--metrics', METRICS, '--json'], ctx);

      // Assess
      expect(code).toBe(0);
      const result = JSON.parse(out()) as JsonResult;
      // Latest datapoint 2026-11-15 (Sun, the always-on c5.xlarge) → at 2026-11-16, window 2026-11-02 … 2026-11-15,
      // although the clock says 2026-11-20 (the export is analysed days later).
      expect(result.window).toEqual({ start: '2026-11-02T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z' });
      const byId = new Map(result.recommendations.map((r) => [r.instanceId.slice(-1), r]));
      // 1: m5.2xlarge office-hours, max daily p95 13.64% → m5.xlarge 27.3%; memory max 30.61% of 32 = 9.80 GiB + 20% =
      // 11.76 GiB > m5.large's 8. (0.46 − 0.23) × 217.26 h = 49.97 USD; Rightsize=auto, but the default configuration
      // does not enable auto resize (rightsizing.allowAutoResize) → open, saying so.
      expect(byId.get('1')).toMatchObject({
        outcome: 'downsize',
        status: 'open',
        statusReason: expect.stringContaining('auto resize is not enabled for this deployment'),
        proposed: { instanceType: 'm5.xlarge', monthlySavingsUsd: 49.97 },
      });
      // 2: r5.xlarge p95 30.65% → r5.large 61.3% > 60%: keep; r6g.xlarge (0.304 − 0.2432) × 325.89 h = 19.81 USD.
      expect(byId.get('2')).toMatchObject({
        outcome: 'graviton-only',
        graviton: { instanceType: 'r6g.xlarge', monthlySavingsUsd: 19.81 },
      });
      // 3: t3.large, busiest daily average 11.47% ≤ t3.medium's 20% baseline; memory 33% of 8 = 2.64 GiB → 3.17 ≤ 4.
      expect(byId.get('3')).toMatchObject({
        outcome: 'downsize',
        status: 'open',
        proposed: { instanceType: 't3.medium', monthlySavingsUsd: 10.43 },
      });
      // 4: c5.xlarge always-on, no memory metric → one halving to c5.large: (0.194 − 0.097) × 730 = 70.81 USD; auto but
      // always-on → open.
      expect(byId.get('4')).toMatchObject({
        outcome: 'downsize',
        status: 'open',
        proposed: { instanceType: 'c5.large', monthlySavingsUsd: 70.81 },
      });
      // 5: p95 75.65% > 60% → no change. 6: 4 of 10 weekdays → insufficient data.
      expect(byId.get('5')?.outcome).toBe('no-change');
      expect(byId.get('6')).toMatchObject({
        outcome: 'insufficient-data',
        reason: 'CPU data on 4 of 10 expected days (40% < minCoveragePercent 80%)',
      });
      expect(result.regions).toEqual([
        expect.objectContaining({
          region: 'eu-central-1',
          analysed: 6,
          recommendations: 4,
          skipped: [expect.objectContaining({ instanceId: 'i-0a1b2c3d4e5f60008' })],
        }),
      ]);
    });

    it('prints a table with the Graviton option marked', async () => {
      // Prepare
      const { ctx, out } = fakeContext(dir);

      // Act
      const code = await main(['rightsizing', '--fleet', FLEET, '--metrics', METRICS], ctx);

      // Assess
      expect(code).toBe(0);
      const text = out();
      expect(text).toMatch(
        /i-0a1b2c3d4e5f60001\s+eu-central-1\s+m5\.2xlarge\s+m5\.xlarge\s+13\.6→27\.3\s+9\.8\/32\s+49\.97/,
      );
      expect(text).toContain('Graviton (arm64) option: m6g.xlarge saves $59.96/month (never applied automatically');
      for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
      expect(text).toContain('eu-central-1: 6 analysed, 4 recommendations, 1 with too little data');
    });

    it('prints the get-metric-data queries of the fleet (3 per opted-in instance) and the aws command', async () => {
      // Prepare
      const { ctx, out, err } = fakeContext(dir);

      // Act
      const code = await main(
        ['rightsizing', '--fleet', FLEET, '--print-queries', '--at', '2026-11-16T00:00:00Z'],
        ctx,
      );

      // Assess
      expect(code).toBe(0);
      const queries = JSON.parse(out()) as { Id: string }[];
      expect(queries).toHaveLength(18);
      expect(queries[0]?.Id).toBe('cpu_i_0a1b2c3d4e5f60001');
      expect(queries.some((q) => q.Id.endsWith('60008'))).toBe(false);
      expect(err()).toContain('--start-time 2026-11-02T00:00:00.000Z --end-time 2026-11-16T00:00:00.000Z');
    });

    it('honours --region and --config (targetCpuPercent 20 keeps the m5.2xlarge)', async () => {
      // Prepare
      const { ctx, out } = fakeContext(dir);
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ rightsizing: { targetCpuPercent: 20 } }));

      // Act
      const code = await main(
        [
          'rightsizing',
          '--fleet',
          FLEET,
          '--metrics',
          METRICS,
          '--region',
          'eu-central-1',
          '--config',
          'config.json',
          '--json',
        ],
        ctx,
      );

      // Assess: 13.64% × 8/4 = 27.3% > 20%
      expect(code).toBe(0);
      const result = JSON.parse(out()) as JsonResult;
      expect(result.recommendations.find((r) => r.instanceId.endsWith('1'))?.proposed).toBeUndefined();
    });

    it.each([
      [['--metrics', 'missing.json'], /--metrics missing\.json: no such file/],
      [[], /--metrics <file> is required/],
      [['--metrics', 'bad.json'], /no "MetricDataResults" array/],
      [['--metrics', METRICS, '--region', 'mars-1'], /not an AWS region the product knows/],
      [['--metrics', METRICS, '--at', 'soon'], /--at "soon" is not an ISO-8601 date or time/],
    ])('fails with exit code 2 for %j', async (args, message) => {
      // Prepare
      const { ctx, err } = fakeContext(dir);
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ Reservations: [] }));

      // Act
      const code = await main(['rightsizing', '--fleet', FLEET, ...args], ctx);

      // Assess
      expect(code).toBe(2);
      expect(err()).toMatch(message);
    });

    it('rejects a fleet file that is not a describe-instances document', async () => {
      // Prepare
      const { ctx, err } = fakeContext(dir);
      writeFileSync(join(dir, 'fleet.json'), JSON.stringify([{ InstanceId: 'i-1' }]));

      // Act
      const code = await main(['rightsizing', '--fleet', 'fleet.json', '--metrics', METRICS], ctx);

      // Assess
      expect(code).toBe(2);
      expect(err()).toContain('not a describe-instances document');
    });
  });
});

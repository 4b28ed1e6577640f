import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EstimateJson } from '../../cli/commands/estimate';
import { main } from '../../cli/main';
import { captureCli } from '../support/cli';
import { type ReplayServer, startReplayServer } from '../support/replay-server';

const NOW = '2026-11-21T12:00:00Z';

/**
 * m5.large (2 vCPU Skylake: CCF 0.61299-4.10417 W per vCPU) at 50% CPU = 4.717159 W; × PUE 1.135 × 2 h ÷ 1000
 * = 0.01070795 kWh.
 */
const M5_LARGE_2H_KWH = 0.01070795;

function fakeContext(cwd: string, env: Record<string, string> = {}) {
  return captureCli({ cwd, now: NOW, env });
}

describe('Module: cli estimate', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'estimate-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Command: estimate --carbon static', () => {
    it('prints emissions now, in the best allowed region, and says static data has no forecast (--json)', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(
        [
          '--json',
          'estimate',
          '--region',
          'eu-central-1',
          '--instance-type',
          'm5.large',
          '--hours',
          '2',
          '--carbon',
          'static',
        ],
        cli.ctx,
      );

      // Assess: static factors (Electricity Maps 2025): eu-central-1 342 g, eu-north-1 20 g.
      expect(code).toBe(0);
      const estimate = JSON.parse(cli.out()) as EstimateJson;
      expect(estimate.now.region).toBe('eu-central-1');
      expect(estimate.now.kWh).toBeCloseTo(M5_LARGE_2H_KWH, 6);
      expect(estimate.now.emissionsGrams).toBeCloseTo(342 * M5_LARGE_2H_KWH, 4);
      expect(estimate.bestRegion).toMatchObject({ region: 'eu-north-1', gCO2ePerKWh: 20, provider: 'static' });
      expect(estimate.bestRegion.emissionsGrams).toBeCloseTo(20 * M5_LARGE_2H_KWH, 5);
      // (342 − 20) / 342 = 94.15%.
      expect(estimate.bestRegion.savingsPercent).toBeCloseTo(94.152, 3);
      expect(estimate.bestTime).toBeNull();
      expect(estimate.bestTimeNote).toBe(
        'no forecast: static carbon data has none (use --carbon live with provider credentials)',
      );
      // Default candidates: dispatch.allowedRegions = the five default worker regions.
      expect(estimate.ranking.map((r) => [r.region, r.gCO2ePerKWh])).toEqual([
        ['eu-north-1', 20],
        ['eu-west-3', 31],
        ['us-west-2', 204],
        ['eu-central-1', 342],
        ['us-east-1', 418],
      ]);
    });

    it('takes --kwh and --regions; the region itself always competes', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(
        [
          '--json',
          'estimate',
          '--region',
          'us-east-1',
          '--kwh',
          '12',
          '--hours',
          '3',
          '--regions',
          'us-west-2,eu-west-3',
          '--carbon',
          'static',
        ],
        cli.ctx,
      );

      // Assess: 12 kWh × 418 g = 5016 g now; 12 kWh × 31 g = 372 g in eu-west-3.
      expect(code).toBe(0);
      const estimate = JSON.parse(cli.out()) as EstimateJson;
      expect(estimate.job).toEqual({ kWh: 12, hours: 3, durationMinutes: 180 });
      expect(estimate.now.emissionsGrams).toBe(5016);
      expect(estimate.bestRegion).toMatchObject({ region: 'eu-west-3', emissionsGrams: 372, savingsGrams: 4644 });
      expect(estimate.ranking.map((r) => r.region)).toEqual(['eu-west-3', 'us-west-2', 'us-east-1']);
    });

    it('prints a table', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      await main(
        ['estimate', '--region', 'us-east-1', '--kwh', '12', '--regions', 'eu-west-3', '--carbon', 'static'],
        cli.ctx,
      );

      // Assess
      expect(cli.out()).toBe(
        [
          'Estimate at 2026-11-21T12:00:00.000Z: 12 kWh over 1h (--kwh) = 12.00 kWh in us-east-1',
          '',
          '                            INTENSITY                                 JOB  CHANGE   JOB COST',
          'WHEN / WHERE     REGION     gCO2e/kWh  SOURCE                   emissions  vs now  on-demand',
          'now              us-east-1      418.0  static (annual average)    5.02 kg                n/a',
          'best region now  eu-west-3       31.0  static (annual average)    372.0 g  -92.6%        n/a',
          '',
          'Best time: no forecast: static carbon data has none (use --carbon live with provider credentials).',
          'Ranking (adjusted gCO2e/kWh): 1. eu-west-3 31.0, 2. us-east-1 418.0',
          'Job cost: on-demand Linux price of the instance type in that region × the duration (bundled price snapshot plus config',
          'priceOverrides); emissions are CPU energy only.',
          '',
        ].join('\n'),
      );
    });

    it('uses the configured allowed regions by default', async () => {
      // Prepare
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ workerRegions: ['us-east-1', 'us-west-2'] }));
      const cli = fakeContext(dir);

      // Act
      await main(
        ['--json', 'estimate', '--region', 'ap-south-1', '--kwh', '1', '--config', config, '--carbon', 'static'],
        cli.ctx,
      );

      // Assess: ap-south-1 (653 g) against us-west-2 (204 g) and us-east-1 (418 g).
      const estimate = JSON.parse(cli.out()) as EstimateJson;
      expect(estimate.ranking.map((r) => r.region)).toEqual(['us-west-2', 'us-east-1', 'ap-south-1']);
      expect(estimate.now.gCO2ePerKWh).toBe(653);
    });

    it.each([
      [['estimate', '--kwh', '1'], 'estimate needs --region R (or AWS_REGION)'],
      [['estimate', '--region', 'eu-central-1', '--instance-type', 'm5.large'], '--instance-type needs --duration'],
      [
        ['estimate', '--region', 'eu-central-1', '--instance-type', 'm5.giant', '--hours', '1'],
        '--instance-type "m5.giant" is not a known EC2 instance type',
      ],
      [
        ['estimate', '--region', 'eu-central-1', '--instance-type', 'm5.large', '--hours', '1', '--kwh', '2'],
        'not both',
      ],
      [['estimate', '--region', 'eu-central-1', '--kwh', '-2'], '--kwh "-2" is not a number of kWh greater than 0'],
      [['estimate', '--region', 'eu-central-1'], 'say what the job uses: --instance-type T --duration 4h, or --kwh X'],
      [['estimate', '--region', 'mars-1', '--kwh', '1'], '--region "mars-1" is not an AWS region the product knows'],
      [
        ['estimate', '--region', 'eu-central-1', '--kwh', '1', '--carbon', 'trace:x.csv'],
        '--carbon "trace:x.csv" is not allowed; allowed: static, live',
      ],
    ])('exits 2 with a clear message for %j', async (argv, message) => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(argv, cli.ctx);

      // Assess
      expect(code).toBe(2);
      expect(cli.err()).toContain(message);
    });
  });

  describe('Command: estimate --carbon live', () => {
    let server: ReplayServer;

    beforeAll(async () => {
      const hourly = (values: number[]) =>
        values.map((carbonIntensity, i) => ({
          carbonIntensity,
          datetime: new Date(Date.parse(NOW) + i * 3_600_000).toISOString(),
        }));
      server = await startReplayServer([
        {
          path: '/v3/carbon-intensity/latest',
          query: { zone: 'DE' },
          responses: [
            { body: { zone: 'DE', carbonIntensity: 300, datetime: '2026-11-21T11:00:00Z', isEstimated: false } },
          ],
        },
        {
          path: '/v3/carbon-intensity/latest',
          query: { zone: 'SE-SE3' },
          responses: [
            { body: { zone: 'SE-SE3', carbonIntensity: 25, datetime: '2026-11-21T11:00:00Z', isEstimated: false } },
          ],
        },
        {
          path: '/v3/carbon-intensity/forecast',
          query: { zone: 'DE' },
          responses: [{ body: { zone: 'DE', forecast: hourly([300, 280, 150, 150, 290, 310]), updatedAt: NOW } }],
        },
        {
          path: '/v3/carbon-intensity/forecast',
          query: { zone: 'SE-SE3' },
          responses: [{ body: { zone: 'SE-SE3', forecast: hourly([25, 25, 25]), updatedAt: NOW } }],
        },
      ]);
    });
    afterAll(async () => {
      await server.close();
    });

    it('finds the best start in the region forecast for the job duration', async () => {
      // Prepare
      const cli = fakeContext(dir, { ELECTRICITYMAPS_API_URL: server.url, ELECTRICITYMAPS_API_KEY: 'test-key' });

      // Act
      const code = await main(
        [
          '--json',
          'estimate',
          '--region',
          'eu-central-1',
          '--instance-type',
          'm5.large',
          '--hours',
          '2',
          '--regions',
          'eu-north-1',
        ],
        cli.ctx,
      );

      // Assess: the two hours from 14:00 average 150 g against 300 g now: half the emissions.
      expect(cli.err()).toBe('');
      expect(code).toBe(0);
      const estimate = JSON.parse(cli.out()) as EstimateJson;
      expect(estimate.now).toMatchObject({
        region: 'eu-central-1',
        gCO2ePerKWh: 300,
        provider: 'electricitymaps',
        origin: 'live',
      });
      expect(estimate.bestRegion).toMatchObject({ region: 'eu-north-1', gCO2ePerKWh: 25 });
      expect(estimate.bestTime).toMatchObject({
        region: 'eu-central-1',
        start: '2026-11-21T14:00:00.000Z',
        end: '2026-11-21T16:00:00.000Z',
        meanGCO2ePerKWh: 150,
        forecastUntil: '2026-11-21T17:00:00.000Z',
      });
      expect(estimate.bestTime?.emissionsGrams).toBeCloseTo(150 * M5_LARGE_2H_KWH, 5);
      expect(estimate.bestTime?.savingsPercent).toBeCloseTo(50, 9);
    });

    it('prices the job in every region and reads --hours as a duration or a number of hours', async () => {
      // Prepare
      const cli = fakeContext(dir);
      const args = ['estimate', '--region', 'us-east-1', '--instance-type', 'm5.large', '--regions', 'eu-north-1'];

      // Act
      await main([...args, '--hours', '2h', '--carbon', 'static', '--json'], cli.ctx);
      const asDuration = JSON.parse(cli.out()) as EstimateJson;
      const text = fakeContext(dir);
      await main([...args, '--hours', '1.5', '--carbon', 'static'], text.ctx);

      // Assess: m5.large on demand (snapshot) is $0.096/h in us-east-1 and $0.102/h in eu-north-1.
      expect(asDuration.job).toMatchObject({ hours: 2 });
      expect(asDuration.now.usd).toBeCloseTo(0.192, 9);
      expect(asDuration.bestRegion).toMatchObject({ region: 'eu-north-1' });
      expect(asDuration.bestRegion.usd).toBeCloseTo(0.204, 9);
      expect(text.out()).toMatch(/^now\s+us-east-1\s+418\.0\s+static \(annual average\)\s+\S+ g\s+\$0\.14$/m);
    });
  });
});

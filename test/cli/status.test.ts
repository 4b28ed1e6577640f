import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { captureCli } from '../support/cli';
import { providerFixture, type ReplayServer, startReplayServer } from '../support/replay-server';

function fakeContext(cwd: string, env: Record<string, string> = {}, now = '2024-03-06T19:20:00Z') {
  return captureCli({ cwd, now, env });
}

const latest = providerFixture<Record<string, unknown>>('electricitymaps-latest.json');
const forecastDe = providerFixture('electricitymaps-forecast-de.json');

describe('Module: cli status', () => {
  let dir: string;
  let server: ReplayServer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'status-cli-'));
  });

  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server?.close();
    server = undefined;
  });

  describe('Command: status', () => {
    it('prints the static factor with its threshold when no key is set', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(['status', '--region', 'eu-west-2', '--json'], cli.ctx);

      // Assess
      expect(code).toBe(0);
      expect(JSON.parse(cli.out())).toEqual({
        region: 'eu-west-2',
        zone: 'GB',
        provider: 'static',
        signal: 'average',
        gCO2ePerKWh: 176,
        adjustedGCO2ePerKWh: 176,
        observedAt: '2024-03-06T19:20:00.000Z',
        ageSeconds: 0,
        isEstimated: true,
        quality: 'good',
        threshold: 200,
        aboveThreshold: false,
        forecast: null,
      });
    });

    it('reads Electricity Maps live with its forecast and compares with --threshold', async () => {
      // Prepare: now 2023-05-03T06:30Z; the recorded DE forecast covers 2023-05-02T20:00Z–2023-05-04T19:00Z.
      server = await startReplayServer([
        {
          path: '/v3/carbon-intensity/latest',
          responses: [{ body: { ...latest, zone: 'DE', datetime: '2023-05-03T06:00:00.000Z' } }],
        },
        { path: '/v3/carbon-intensity/forecast', responses: [{ body: forecastDe }] },
      ]);
      const cli = fakeContext(
        dir,
        { ELECTRICITYMAPS_API_KEY: 'k', ELECTRICITYMAPS_API_URL: server.url },
        '2023-05-03T06:30:00Z',
      );

      // Act
      const code = await main(['status', '--region', 'eu-central-1', '--threshold', '200', '--json'], cli.ctx);

      // Assess: 216 g at 06:00, 1,800 s old; upcoming forecast 06:00 → next day 19:00, 38 points summing 17,166 g.
      expect(code).toBe(0);
      const status = JSON.parse(cli.out());
      expect(status).toMatchObject({
        region: 'eu-central-1',
        zone: 'DE',
        provider: 'electricitymaps',
        gCO2ePerKWh: 216,
        adjustedGCO2ePerKWh: 216,
        ageSeconds: 1800,
        isEstimated: true,
        quality: 'moderate',
        threshold: 200,
        aboveThreshold: true,
      });
      expect(status.forecast).toMatchObject({
        provider: 'electricitymaps',
        points: 38,
        from: '2023-05-03T06:00:00.000Z',
        to: '2023-05-04T19:00:00.000Z',
        minGCO2ePerKWh: 323,
        minAt: '2023-05-03T10:00:00.000Z',
        maxGCO2ePerKWh: 590,
      });
      expect(status.forecast.meanGCO2ePerKWh).toBeCloseTo(17166 / 38, 9);
    });

    it('says in text where the value comes from, how old it is, and notes a marginal signal', async () => {
      // Prepare: WattTime for us-west-1 (CAISO_NORTH), documented body: 860 lbs/MWh at 00:05.
      server = await startReplayServer([
        { path: '/login', responses: [{ body: providerFixture('watttime-login.json') }] },
        { path: '/v3/signal-index', responses: [{ body: providerFixture('watttime-historical.json') }] },
        { path: '/v3/forecast', responses: [{ body: providerFixture('watttime-forecast.json') }] },
      ]);
      const cli = fakeContext(
        dir,
        { WATTTIME_USERNAME: 'freddo', WATTTIME_PASSWORD: 'the_frog', WATTTIME_API_URL: server.url },
        '2022-07-15T00:10:00Z',
      );

      // Act
      const code = await main(['status', '--region', 'us-west-1', '--provider', 'watttime'], cli.ctx);

      // Assess: 860 × 0.453592 = 390.08912 → 390.1.
      expect(code).toBe(0);
      const text = cli.out();
      expect(text).toContain('us-west-1 (zone CAISO_NORTH): 390.1 gCO2e/kWh, poor');
      expect(text).toContain('source:     watttime (live), marginal signal');
      expect(text).toContain('observed:   2022-07-15T00:05:00.000Z (5 min ago)');
      expect(text).toContain('marginal signal; thresholds written for average intensity do not apply unchanged');
      // At 00:10 the 00:00 and 00:05 points of the 12 are over.
      expect(text).toContain('forecast:   10 points 2022-07-15T00:10:00.000Z → 2022-07-15T00:55:00.000Z (watttime)');
      expect(text).not.toContain('the_frog');
    });

    it('uses only the static provider with --provider static, making no request', async () => {
      // Prepare
      server = await startReplayServer([]);
      const cli = fakeContext(dir, { ELECTRICITYMAPS_API_KEY: 'k', ELECTRICITYMAPS_API_URL: server.url });

      // Act
      const code = await main(['status', '--region', 'eu-north-1', '--provider', 'static', '--json'], cli.ctx);

      // Assess
      expect(code).toBe(0);
      expect(JSON.parse(cli.out())).toMatchObject({ provider: 'static', gCO2ePerKWh: 20 });
      expect(server.count()).toBe(0);
    });

    it.each([
      [
        ['status', '--region', 'eu-west-1', '--provider', 'watttime'],
        '--provider watttime is not available: set WATTTIME_USERNAME and WATTTIME_PASSWORD',
      ],
      [
        ['status', '--region', 'eu-west-1', '--provider', 'carbonara'],
        '--provider "carbonara" is not a provider; allowed:',
      ],
      [
        ['status', '--region', 'eu-west-1', '--threshold', 'high'],
        '--threshold "high" is not a number of gCO2e/kWh from 0 to 3000',
      ],
      [['status', '--region', 'xx-west-1'], '--region "xx-west-1" is not an AWS region the product knows'],
    ])('exits 2 on bad usage: %j', async (argv, message) => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(argv, cli.ctx);

      // Assess
      expect(code).toBe(2);
      expect(cli.err()).toContain(message);
    });

    it('requires --region', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(['status'], cli.ctx);

      // Assess
      expect(code).toBe(2);
      expect(cli.err()).toContain('status needs --region R (or AWS_REGION)');
    });
  });
});

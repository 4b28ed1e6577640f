import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../cli/context';
import { main } from '../../cli/main';
import { captureCli } from '../support/cli';
import { providerFixture, type ReplayServer, startReplayServer } from '../support/replay-server';

interface Captured {
  ctx: CliContext;
  out: () => string;
  err: () => string;
}

function fakeContext(cwd: string, env: Record<string, string> = {}, now = '2024-03-06T19:20:00Z'): Captured {
  return captureCli({ cwd, now, env });
}

const latest = providerFixture<Record<string, unknown>>('electricitymaps-latest.json');

interface Row {
  region: string;
  zone: string;
  provider: string;
  gCO2ePerKWh: number;
  adjustedGCO2ePerKWh: number;
  ageSeconds: number;
  quality: string;
  threshold: number;
  aboveThreshold: boolean;
}

describe('Module: cli regions', () => {
  let dir: string;
  let server: ReplayServer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'regions-cli-'));
  });

  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server?.close();
    server = undefined;
  });

  describe('Command: regions', () => {
    it('ranks every commercial region on static factors when no key is set', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(['regions', '--json'], cli.ctx);

      // Assess
      expect(code).toBe(0);
      const rows = JSON.parse(cli.out()) as Row[];
      expect(rows).toHaveLength(33);
      expect(rows[0]).toEqual({
        region: 'eu-north-1',
        zone: 'SE-SE3',
        provider: 'static',
        signal: 'average',
        gCO2ePerKWh: 20,
        adjustedGCO2ePerKWh: 20,
        observedAt: '2024-03-06T19:20:00.000Z',
        ageSeconds: 0,
        isEstimated: true,
        quality: 'excellent',
        threshold: 40,
        aboveThreshold: false,
      });
      expect(rows.at(-1)).toMatchObject({ region: 'af-south-1', gCO2ePerKWh: 700, quality: 'very poor' });
      const adjusted = rows.map((r) => r.adjustedGCO2ePerKWh);
      expect(adjusted).toEqual([...adjusted].sort((a, b) => a - b));
      // eu-central-1: static 342 g against its default threshold 300.
      expect(rows.find((r) => r.region === 'eu-central-1')).toMatchObject({ threshold: 300, aboveThreshold: true });
    });

    it('prints a table that says where each value comes from and how old it is', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(['regions', '--regions', 'eu-west-3,eu-central-1'], cli.ctx);

      // Assess
      expect(code).toBe(0);
      const lines = cli.out().split('\n');
      expect(lines[2]).toMatch(/^\s+INTENSITY\s+ADJUSTED\s+THRESHOLD$/);
      expect(lines[3]).toMatch(/^#\s+REGION\s+ZONE\s+gCO2e\/kWh\s+gCO2e\/kWh\s+QUALITY\s+gCO2e\/kWh\s+NOW\s+SOURCE$/);
      expect(lines[4]).toMatch(/^1\s+eu-west-3\s+FR\s+31\.0\s+31\.0\s+excellent\s+90\s+below\s+static annual average$/);
      expect(lines[5]).toMatch(/^2\s+eu-central-1\s+DE\s+342\.0\s+342\.0\s+moderate\s+300\s+above/);
      expect(cli.out()).toContain(
        'Live providers: none. Not used: electricitymaps (set ELECTRICITYMAPS_API_KEY to use it)',
      );
    });

    it('goes live with ELECTRICITYMAPS_API_KEY: one request for us-east-1 and us-east-2, ages from the data', async () => {
      // Prepare
      server = await startReplayServer([
        {
          path: '/v3/carbon-intensity/latest',
          respond: (request) => ({
            body: { ...latest, zone: request.query.zone, carbonIntensity: request.query.zone === 'DE' ? 380 : 431 },
          }),
        },
      ]);
      const cli = fakeContext(dir, { ELECTRICITYMAPS_API_KEY: 'cli-key', ELECTRICITYMAPS_API_URL: server.url });

      // Act
      const code = await main(['regions', '--regions', 'us-east-1,us-east-2,eu-central-1', '--json'], cli.ctx);

      // Assess
      expect(code).toBe(0);
      expect(server.count('/v3/carbon-intensity/latest')).toBe(2);
      expect(server.requests.every((r) => r.headers['auth-token'] === 'cli-key')).toBe(true);
      const rows = JSON.parse(cli.out()) as Row[];
      // The recorded body is for 19:00 and estimated; at 19:20 it is 1,200 s old, within the 5,400 s grace.
      expect(rows.map((r) => [r.region, r.provider, r.gCO2ePerKWh, r.adjustedGCO2ePerKWh, r.ageSeconds])).toEqual([
        ['eu-central-1', 'electricitymaps', 380, 380, 1200],
        ['us-east-1', 'electricitymaps', 431, 431, 1200],
        ['us-east-2', 'electricitymaps', 431, 431, 1200],
      ]);
    });

    it('lists the fallback and its reason when a live provider fails', async () => {
      // Prepare
      server = await startReplayServer([{ path: '/v3/carbon-intensity/latest', responses: [{ status: 429 }] }]);
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ carbon: { maxRetries: 0 } }));
      const cli = fakeContext(dir, { ELECTRICITYMAPS_API_KEY: 'k', ELECTRICITYMAPS_API_URL: server.url });

      // Act
      const code = await main(['regions', '--regions', 'eu-central-1', '--config', 'config.json'], cli.ctx);

      // Assess
      expect(code).toBe(0);
      expect(cli.out()).toContain('Fallbacks:');
      expect(cli.out()).toContain(
        'eu-central-1: static — electricitymaps DE: GET /v3/carbon-intensity/latest → HTTP 429 Too Many Requests after 1 attempt',
      );
    });

    it('rejects an unknown region with exit code 2 naming it', async () => {
      // Prepare
      const cli = fakeContext(dir);

      // Act
      const code = await main(['regions', '--regions', 'eu-central-1,eu-central-9'], cli.ctx);

      // Assess
      expect(code).toBe(2);
      expect(cli.err()).toContain(
        '--regions "eu-central-9" is not an AWS region the product knows. Did you mean eu-central-1, eu-central-2',
      );
    });
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { DynamoCarbonStore } from '../../lambdas/adapters/dynamodb/carbon-store';
import { DynamoSavingsStore } from '../../lambdas/adapters/dynamodb/savings-store';
import { fixedClock } from '../../lambdas/core/clock';
import { apiWiringFromEnvironment, createApiHandler } from '../../lambdas/handlers/api';
import { apiEvent } from '../support/api-event';
import { captureCli } from '../support/cli';
import { createTestTable } from '../support/dynamodb';
import { functionConfigEnv } from '../support/function-config';

/**
 * `--api URL`: the CLI's read commands against the API handler served over loopback HTTP (each request turned into
 * the HTTP API event API Gateway would send), on a dynalite table.
 */
const NOW = '2026-11-21T12:00:00.000Z';
let table: Awaited<ReturnType<typeof createTestTable>>;
let server: Server;
let url: string;
const authorizations: string[] = [];

describe('CLI: --api mode', () => {
  beforeAll(async () => {
    table = await createTestTable();
    const store = new DynamoCarbonStore(table.doc, table.tableName, { ttlMinutes: 1440 });
    const reading = {
      provider: 'electricitymaps',
      signal: 'average',
      fetchedAt: NOW,
      isEstimated: false,
      isForecast: false,
    } as const;
    await store.putReadings(
      [
        { ...reading, region: 'eu-north-1', zone: 'SE-SE3', gCO2ePerKWh: 25, observedAt: '2026-11-21T11:30:00.000Z' },
        { ...reading, region: 'eu-central-1', zone: 'DE', gCO2ePerKWh: 350, observedAt: '2026-11-21T11:30:00.000Z' },
      ],
      new Date(NOW),
    );
    await new DynamoSavingsStore(table.doc, table.tableName).add(
      '2026-11-20',
      'eu-central-1',
      { usd: 4.5, gCO2e: 1200, kWh: 3, stoppedHours: 30 },
      new Date('2026-11-20T23:00:00Z'),
    );
    const handler = createApiHandler(
      apiWiringFromEnvironment(
        {
          ...functionConfigEnv({
            homeRegion: 'eu-central-1',
            managedRegions: ['eu-central-1'],
            workerRegions: ['eu-north-1', 'eu-central-1'],
          }),
          TABLE_NAME: table.tableName,
          API_ALARM_NAME_PREFIX: 'CarbonAwareScheduler-ControlPlane-',
        },
        {
          doc: table.doc,
          eventBridge: new EventBridgeClient({ region: 'eu-central-1' }),
          cloudWatch: new CloudWatchClient({ region: 'eu-central-1' }),
          clock: fixedClock(NOW),
          telemetry: { logger: new Logger({ logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'Test' }) },
        },
      ),
    );
    server = createServer(async (request, response) => {
      authorizations.push(String(request.headers.authorization));
      const answer = await handler(apiEvent(request.method!, request.url!));
      response.writeHead(answer.statusCode, answer.headers);
      response.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await table.drop();
  });

  const cli = () =>
    captureCli({ cwd: '/tmp', now: NOW, env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' } });

  it('regions --api prints the API ranking, cleanest first, signed with the caller credentials', async () => {
    // Prepare
    const run = cli();

    // Act
    const code = await main(['regions', '--api', url, '--region', 'eu-central-1', '--json'], run.ctx);

    // Assess
    expect(code).toBe(0);
    const rows = JSON.parse(run.out()) as { region: string; gCO2ePerKWh: number }[];
    expect(rows.map((r) => [r.region, r.gCO2ePerKWh])).toEqual([
      ['eu-north-1', 25],
      ['eu-central-1', 350],
    ]);
    expect(authorizations.at(-1)).toMatch(/Credential=AKIDEXAMPLE\/20\d{6}\/eu-central-1\/execute-api\/aws4_request/);
  });

  it('status --api prints one region from the API, with no forecast stored', async () => {
    // Prepare
    const run = cli();

    // Act
    const code = await main(['status', '--api', url, '--region', 'eu-north-1'], run.ctx);

    // Assess
    expect(code).toBe(0);
    expect(run.out()).toContain('eu-north-1 (zone SE-SE3): 25.0 gCO2e/kWh, excellent');
    expect(run.out()).toContain('forecast:   none stored');
  });

  it('report --api prints the report model the API built from the table', async () => {
    // Prepare
    const run = cli();

    // Act
    const code = await main(
      ['report', '--api', url, '--region', 'eu-central-1', '--from', '2026-11-20', '--to', '2026-11-21'],
      run.ctx,
    );

    // Assess
    expect(code).toBe(0);
    const model = JSON.parse(run.out());
    expect(model.period).toMatchObject({ from: '2026-11-20', to: '2026-11-20', days: 1 });
    expect(model.totals.usdSaved).toBe(4.5);
  });

  it('an API problem becomes a CLI error with its detail (exit 1); a malformed URL is a usage error (exit 2)', async () => {
    // Prepare
    const run = cli();
    const bad = cli();

    // Act: a base path the API has no route under
    const code = await main(['status', '--api', `${url}/prod`, '--region', 'eu-north-1'], run.ctx);
    const usage = await main(['regions', '--api', 'ftp://x'], bad.ctx);

    // Assess
    expect(code).toBe(1);
    expect(run.err()).toContain(
      'the API answered: GET /v1/regions/eu-north-1 → 404: no route GET /prod/v1/regions/eu-north-1',
    );
    expect(usage).toBe(2);
    expect(bad.err()).toContain('--api "ftp://x" has the scheme ftp');
  });
});

import { readFileSync } from 'node:fs';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  type RecordedRequest,
  type ReplayResponse,
  type ReplayServer,
  startReplayServer,
} from '../../support/replay-server';
import { clientConfig, type Deployment } from './deployment';
import { deployment } from './fixture';

/**
 * A loopback Electricity Maps (API v3) for the deployed carbon fetcher, answering `latest` and `forecast` per zone
 * from a trace the test sets (and may change between fetcher runs), in the shape of the recorded responses in
 * test/fixtures/providers/electricitymaps-*.json. The fetcher reaches it through `ELECTRICITYMAPS_API_URL`.
 */

/**
 * The Electricity Maps zone of each region the scenario config involves (home, managed and worker regions), as the
 * product's region table maps them (lambdas/core/carbon/region-table.ts; no `carbon.zoneOverrides` in the config).
 * The replay answers only these zones, so a different mapping shows up as a failed fetch.
 */
export const SCENARIO_ZONES: Readonly<Record<string, string>> = {
  'eu-central-1': 'DE',
  'eu-north-1': 'SE-SE3',
  'eu-west-1': 'IE',
  'eu-west-3': 'FR',
  'us-east-1': 'US-MIDA-PJM',
  'us-west-2': 'US-NW-PACW',
};

/** What the replay answers for one zone. */
export interface ZoneTrace {
  /** `latest`: carbon intensity, gCO2e/kWh, and the hour it is for (`datetime`). */
  readonly latest: { readonly gCO2ePerKWh: number; readonly datetime: string };
  /** `forecast`: hourly points (`datetime`, gCO2e/kWh); absent → an empty forecast. */
  readonly forecast?: readonly { readonly datetime: string; readonly gCO2ePerKWh: number }[];
  /** Answer `latest` with this instead (e.g. `{ status: 500 }`). */
  readonly latestFailure?: ReplayResponse;
}

/** A running replay whose trace can be replaced between fetcher runs. */
export interface ElectricityMapsReplay {
  readonly url: string;
  readonly server: ReplayServer;
  /** Replace the trace (zone → what to answer). */
  setTrace(trace: Readonly<Record<string, ZoneTrace>>): void;
  /** The environment the fetcher needs to reach the replay. */
  readonly environment: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** Hourly forecast points from `start` (an ISO hour) with these values. */
export function hourlyForecast(start: string, values: readonly number[]): { datetime: string; gCO2ePerKWh: number }[] {
  const t0 = Date.parse(start);
  return values.map((gCO2ePerKWh, i) => ({ datetime: new Date(t0 + i * 3_600_000).toISOString(), gCO2ePerKWh }));
}

/** Start the replay with an initial trace. */
export async function startElectricityMapsReplay(
  initial: Readonly<Record<string, ZoneTrace>>,
): Promise<ElectricityMapsReplay> {
  let trace = initial;
  const zoneOf = (request: RecordedRequest) => request.query.zone ?? '';
  const unknown: ReplayResponse = { status: 404, body: { status: 'error', message: 'Zone not found' } };
  const server = await startReplayServer([
    {
      path: '/v3/carbon-intensity/latest',
      respond: (request) => {
        const zone = zoneOf(request);
        const entry = trace[zone];
        if (!entry) return unknown;
        if (entry.latestFailure) return entry.latestFailure;
        return {
          body: {
            zone,
            carbonIntensity: entry.latest.gCO2ePerKWh,
            datetime: entry.latest.datetime,
            updatedAt: entry.latest.datetime,
            createdAt: entry.latest.datetime,
            emissionFactorType: 'lifecycle',
            isEstimated: false,
            estimationMethod: null,
          },
        };
      },
    },
    {
      path: '/v3/carbon-intensity/forecast',
      respond: (request) => {
        const zone = zoneOf(request);
        const entry = trace[zone];
        if (!entry) return unknown;
        return {
          body: {
            zone,
            forecast: (entry.forecast ?? []).map((p) => ({ carbonIntensity: p.gCO2ePerKWh, datetime: p.datetime })),
            updatedAt: entry.latest.datetime,
          },
        };
      },
    },
  ]);
  return {
    url: server.url,
    server,
    setTrace: (next) => {
      trace = next;
    },
    environment: { ELECTRICITYMAPS_API_URL: server.url },
    close: () => server.close(),
  };
}

/** A trace for every scenario zone: region → latest value (and optional forecast values from `datetime` on). */
export function traceByRegion(
  datetime: string,
  regions: Readonly<
    Record<string, { readonly g: number; readonly forecast?: readonly number[]; readonly fail?: boolean }>
  >,
): Record<string, ZoneTrace> {
  const trace: Record<string, ZoneTrace> = {};
  for (const [region, entry] of Object.entries(regions)) {
    const zone = SCENARIO_ZONES[region];
    if (!zone) throw new Error(`no scenario zone for ${region}`);
    trace[zone] = {
      latest: { gCO2ePerKWh: entry.g, datetime },
      ...(entry.forecast ? { forecast: hourlyForecast(datetime, entry.forecast) } : {}),
      ...(entry.fail ? { latestFailure: { status: 500, body: { message: 'internal error' } } } : {}),
    };
  }
  return trace;
}

/**
 * Make sure the Electricity Maps secret the config names (`carbon.secrets.electricitymaps`) exists in the home
 * region with a token, as the README's deploy step has the user create it.
 */
export async function ensureElectricityMapsSecret(d: Deployment = deployment()): Promise<string> {
  const config = JSON.parse(readFileSync(d.configPath, 'utf8')) as {
    homeRegion?: string;
    carbon?: { secrets?: { electricitymaps?: string } };
  };
  const name = config.carbon?.secrets?.electricitymaps;
  if (!name) throw new Error(`${d.configPath} names no carbon.secrets.electricitymaps`);
  const client = new SecretsManagerClient(clientConfig(d.endpoint, d.account, config.homeRegion ?? 'eu-central-1'));
  const secret = JSON.stringify({ apiKey: 'integration-test-token' });
  try {
    await client.send(new CreateSecretCommand({ Name: name, SecretString: secret }));
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: secret }));
  }
  return name;
}

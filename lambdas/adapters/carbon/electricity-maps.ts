import * as z from 'zod';
import {
  type CarbonProvider,
  CarbonProviderError,
  type ZoneForecast,
  type ZoneReading,
} from '../../core/carbon/provider';
import { zoneForRegion } from '../../core/carbon/region-facts';
import { intensityProblem } from '../../core/carbon/validate-reading';
import type { SecretValue } from '../secrets/secret-value';
import { buildUrl, HttpJsonClient, type HttpOptions } from './http-client';

/** Default base URL of the Electricity Maps API (override: env `ELECTRICITYMAPS_API_URL`). */
export const ELECTRICITYMAPS_DEFAULT_URL = 'https://api.electricitymap.org';

const PROVIDER = 'electricitymaps';

/** Options of {@link ElectricityMapsProvider}. */
export interface ElectricityMapsOptions {
  readonly baseUrl?: string;
  /** API token sent in the `auth-token` header; omitted when undefined (e.g. a proxy adds it). */
  readonly apiKey?: SecretValue;
  readonly http: HttpOptions;
}

const pointSchema = z.object({
  zone: z.string().optional(),
  carbonIntensity: z.unknown().optional(),
  datetime: z.string(),
  updatedAt: z.string().nullish(),
  isEstimated: z.boolean().nullish(),
});

const historySchema = z.object({ zone: z.string().optional(), history: z.array(pointSchema) });
const forecastSchema = z.object({
  zone: z.string().optional(),
  forecast: z.array(z.object({ carbonIntensity: z.unknown().optional(), datetime: z.string() })),
  updatedAt: z.string().nullish(),
});

function malformed(what: string, error: z.ZodError): CarbonProviderError {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || '(body)';
  return new CarbonProviderError(PROVIDER, 'malformed', `${what} body is malformed: ${field}: ${issue?.message}`);
}

function isoTime(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new CarbonProviderError(PROVIDER, 'malformed', `${field} ${JSON.stringify(value)} is not an ISO-8601 time`);
  }
  return new Date(time).toISOString();
}

function checkZone(answered: string | undefined, zone: string): void {
  if (answered !== undefined && answered !== zone) {
    throw new CarbonProviderError(PROVIDER, 'unknown-zone', `answered for zone ${answered} instead of ${zone}`);
  }
}

function value(raw: unknown, field: string): number {
  const problem = intensityProblem(raw, field);
  if (problem) throw new CarbonProviderError(PROVIDER, problem.kind, problem.message);
  return raw as number;
}

function toReading(point: z.infer<typeof pointSchema>, zone: string, fetchedAt: Date, field: string): ZoneReading {
  return {
    zone,
    provider: PROVIDER,
    signal: 'average',
    gCO2ePerKWh: value(point.carbonIntensity, field),
    observedAt: isoTime(point.datetime, `${field} datetime`),
    fetchedAt: fetchedAt.toISOString(),
    isEstimated: point.isEstimated ?? false,
    isForecast: false,
  };
}

/**
 * Parse a `/v3/carbon-intensity/latest` body: `{ zone, carbonIntensity (gCO2eq/kWh, lifecycle), datetime,
 * isEstimated, ... }`. `observedAt` is `datetime` (start of the hour the value is for).
 *
 * @throws {CarbonProviderError} `malformed` (shape), `invalid-value` (missing, negative, > 3000), `unknown-zone`
 *   (the body names another zone)
 */
export function parseElectricityMapsLatest(body: unknown, zone: string, fetchedAt: Date): ZoneReading {
  const parsed = pointSchema.safeParse(body);
  if (!parsed.success) throw malformed('latest', parsed.error);
  checkZone(parsed.data.zone, zone);
  return toReading(parsed.data, zone, fetchedAt, 'carbonIntensity');
}

/**
 * Parse a `/v3/carbon-intensity/history` body (`{ zone, history: [point, ...] }`, the last 24 hours), oldest first.
 * @throws {CarbonProviderError} as {@link parseElectricityMapsLatest}, for the first bad point
 */
export function parseElectricityMapsHistory(body: unknown, zone: string, fetchedAt: Date): ZoneReading[] {
  const parsed = historySchema.safeParse(body);
  if (!parsed.success) throw malformed('history', parsed.error);
  checkZone(parsed.data.zone, zone);
  return parsed.data.history
    .map((point, i) => toReading(point, zone, fetchedAt, `history[${i}].carbonIntensity`))
    .sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt));
}

/**
 * Parse a `/v3/carbon-intensity/forecast` body (`{ zone, forecast: [{ carbonIntensity, datetime }], updatedAt }`).
 * Points are forecasts (`isForecast` and `isEstimated` true); `generatedAt` is `updatedAt`, else `fetchedAt`.
 * @throws {CarbonProviderError} as {@link parseElectricityMapsLatest}
 */
export function parseElectricityMapsForecast(body: unknown, zone: string, fetchedAt: Date): ZoneForecast {
  const parsed = forecastSchema.safeParse(body);
  if (!parsed.success) throw malformed('forecast', parsed.error);
  checkZone(parsed.data.zone, zone);
  const points = parsed.data.forecast.map(
    (point, i): ZoneReading => ({
      zone,
      provider: PROVIDER,
      signal: 'average',
      gCO2ePerKWh: value(point.carbonIntensity, `forecast[${i}].carbonIntensity`),
      observedAt: isoTime(point.datetime, `forecast[${i}].datetime`),
      fetchedAt: fetchedAt.toISOString(),
      isEstimated: true,
      isForecast: true,
    }),
  );
  return {
    zone,
    provider: PROVIDER,
    signal: 'average',
    generatedAt: parsed.data.updatedAt ? isoTime(parsed.data.updatedAt, 'updatedAt') : fetchedAt.toISOString(),
    points,
  };
}

/**
 * Electricity Maps API v3 (average lifecycle intensity per zone). Sends the token in the `auth-token` header and
 * always `shouldUseFallbackCallerLookup=false`, so a zone the API does not know is an error rather than silently
 * the caller's own location. Zones come from the region table, overridden by config `carbon.zoneOverrides`.
 */
export class ElectricityMapsProvider implements CarbonProvider {
  readonly name = PROVIDER;
  readonly signal = 'average' as const;
  readonly #http: HttpJsonClient;
  readonly #baseUrl: string;
  readonly #apiKey?: SecretValue;

  constructor(options: ElectricityMapsOptions) {
    this.#http = new HttpJsonClient(PROVIDER, options.http);
    this.#baseUrl = options.baseUrl ?? ELECTRICITYMAPS_DEFAULT_URL;
    if (options.apiKey) this.#apiKey = options.apiKey;
  }

  zoneFor(region: string, zoneOverrides: Readonly<Record<string, string>> = {}): string | null {
    return zoneForRegion(region, zoneOverrides);
  }

  async #get(path: string, zone: string): Promise<unknown> {
    const url = buildUrl(this.#baseUrl, path, { zone, shouldUseFallbackCallerLookup: 'false' });
    const headers: Record<string, string> = this.#apiKey ? { 'auth-token': this.#apiKey.reveal() } : {};
    try {
      return await this.#http.getJson(url, headers);
    } catch (error) {
      if (error instanceof CarbonProviderError && (error.status === 404 || error.status === 400)) {
        throw new CarbonProviderError(
          PROVIDER,
          'unknown-zone',
          `zone ${zone} is unknown to Electricity Maps (${error.message})`,
          error.status,
        );
      }
      throw error;
    }
  }

  /** `GET /v3/carbon-intensity/latest?zone=Z&shouldUseFallbackCallerLookup=false`. */
  async latest(zone: string, now: Date): Promise<ZoneReading> {
    return parseElectricityMapsLatest(await this.#get('/v3/carbon-intensity/latest', zone), zone, now);
  }

  /** `GET /v3/carbon-intensity/forecast?zone=Z&shouldUseFallbackCallerLookup=false`. */
  async forecast(zone: string, now: Date): Promise<ZoneForecast> {
    return parseElectricityMapsForecast(await this.#get('/v3/carbon-intensity/forecast', zone), zone, now);
  }

  /** `GET /v3/carbon-intensity/history?zone=Z&shouldUseFallbackCallerLookup=false`: the last 24 hourly readings. */
  async history(zone: string, now: Date): Promise<ZoneReading[]> {
    return parseElectricityMapsHistory(await this.#get('/v3/carbon-intensity/history', zone), zone, now);
  }
}

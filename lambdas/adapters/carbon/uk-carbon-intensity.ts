import * as z from 'zod';
import {
  type CarbonProvider,
  CarbonProviderError,
  type ZoneForecast,
  type ZoneReading,
} from '../../core/carbon/provider';
import { intensityProblem } from '../../core/carbon/validate-reading';
import { buildUrl, HttpJsonClient, type HttpOptions } from './http-client';

/** Default base URL of the UK Carbon Intensity API (override: env `UK_CARBON_INTENSITY_API_URL`). */
export const UK_CARBON_INTENSITY_DEFAULT_URL = 'https://api.carbonintensity.org.uk';

/** The only AWS region in Great Britain (London). */
export const UK_REGION = 'eu-west-2';

/** Zone id of the national (Great Britain) figures. */
export const UK_NATIONAL_ZONE = 'GB';

const PROVIDER = 'uk-carbon-intensity';

/** Options of {@link UkCarbonIntensityProvider}. */
export interface UkCarbonIntensityOptions {
  readonly baseUrl?: string;
  readonly http: HttpOptions;
  /**
   * GB DNO region id (1–17; 13 = London) for the regional figures (`/regional/regionid/{id}`, forecast only);
   * undefined uses the national figures (`/intensity`, with actual values).
   */
  readonly regionId?: number;
}

const periodSchema = z.object({
  from: z.string(),
  to: z.string().optional(),
  intensity: z.object({
    forecast: z.unknown().optional(),
    actual: z.unknown().optional(),
    index: z.string().nullish(),
  }),
});

const nationalSchema = z.object({ data: z.array(periodSchema) });
const regionSchema = z.object({
  regionid: z.number().optional(),
  shortname: z.string().optional(),
  data: z.array(periodSchema),
});
/** `/regional/regionid/{id}` answers `data: [region]`; `/regional/intensity/{from}/fw24h/regionid/{id}` `data: region`. */
const regionalSchema = z.object({ data: z.union([z.array(regionSchema).min(1), regionSchema]) });

type Period = z.infer<typeof periodSchema>;

/** The zone id of GB DNO region `regionId`, e.g. `GB-REGION-13`. */
export function ukRegionalZone(regionId: number): string {
  return `GB-REGION-${regionId}`;
}

function malformed(what: string, error: z.ZodError): CarbonProviderError {
  const issue = error.issues[0];
  return new CarbonProviderError(
    PROVIDER,
    'malformed',
    `${what} body is malformed: ${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
  );
}

function toReading(period: Period, zone: string, fetchedAt: Date, field: string, forecast: boolean): ZoneReading {
  const actual = period.intensity.actual;
  const hasActual = actual !== undefined && actual !== null;
  const raw = hasActual && !forecast ? actual : period.intensity.forecast;
  const problem = intensityProblem(raw, `${field}.intensity.${hasActual && !forecast ? 'actual' : 'forecast'}`);
  if (problem) throw new CarbonProviderError(PROVIDER, problem.kind, problem.message);
  const time = Date.parse(period.from);
  if (Number.isNaN(time)) {
    throw new CarbonProviderError(
      PROVIDER,
      'malformed',
      `${field}.from ${JSON.stringify(period.from)} is not ISO-8601`,
    );
  }
  return {
    zone,
    provider: PROVIDER,
    signal: 'average',
    gCO2ePerKWh: raw as number,
    observedAt: new Date(time).toISOString(),
    fetchedAt: fetchedAt.toISOString(),
    isEstimated: forecast || !hasActual,
    isForecast: forecast,
  };
}

function latestPeriod(periods: readonly Period[], what: string): { period: Period; index: number } {
  if (periods.length === 0) throw new CarbonProviderError(PROVIDER, 'malformed', `${what} has no periods`);
  let index = 0;
  periods.forEach((period, i) => {
    if (Date.parse(period.from) > Date.parse(periods[index]!.from)) index = i;
  });
  return { period: periods[index]!, index };
}

/**
 * Parse a national `/intensity` body `{ data: [{ from, to, intensity: { forecast, actual, index } }] }` (the
 * current half hour). The value is `actual` when published, else `forecast` (then `isEstimated`).
 * @throws {CarbonProviderError} `malformed` or `invalid-value`
 */
export function parseUkNationalCurrent(body: unknown, fetchedAt: Date): ZoneReading {
  const parsed = nationalSchema.safeParse(body);
  if (!parsed.success) throw malformed('intensity', parsed.error);
  const { period, index } = latestPeriod(parsed.data.data, 'intensity');
  return toReading(period, UK_NATIONAL_ZONE, fetchedAt, `data[${index}]`, false);
}

function regionOf(body: unknown, what: string): z.infer<typeof regionSchema> {
  const parsed = regionalSchema.safeParse(body);
  if (!parsed.success) throw malformed(what, parsed.error);
  const data = parsed.data.data;
  return Array.isArray(data) ? data[0]! : data;
}

/**
 * Parse a `/regional/regionid/{id}` body `{ data: [{ regionid, shortname, data: [{ from, to, intensity:
 * { forecast, index } }] }] }`. Regional figures are forecasts only, so the reading is `isEstimated`.
 * @throws {CarbonProviderError} `malformed`, `invalid-value`, `unknown-zone` (another region answered)
 */
export function parseUkRegionalCurrent(body: unknown, regionId: number, fetchedAt: Date): ZoneReading {
  const region = regionOf(body, 'regional');
  if (region.regionid !== undefined && region.regionid !== regionId) {
    throw new CarbonProviderError(
      PROVIDER,
      'unknown-zone',
      `regional answered for region ${region.regionid} instead of ${regionId}`,
    );
  }
  const { period, index } = latestPeriod(region.data, 'regional');
  return toReading(period, ukRegionalZone(regionId), fetchedAt, `data[0].data[${index}]`, false);
}

/**
 * Parse a forecast body: national `/intensity/{from}/fw24h` (`{ data: [period] }`) or regional
 * `/regional/intensity/{from}/fw24h/regionid/{id}` (`{ data: { regionid, data: [period] } }`). Points use the
 * `forecast` value of each half hour.
 * @throws {CarbonProviderError} `malformed` or `invalid-value`
 */
export function parseUkForecast(body: unknown, zone: string, fetchedAt: Date): ZoneForecast {
  let periods: readonly Period[];
  const national = nationalSchema.safeParse(body);
  if (national.success) {
    periods = national.data.data;
  } else {
    periods = regionOf(body, 'forecast').data;
  }
  const points = periods
    .map((period, i) => toReading(period, zone, fetchedAt, `data[${i}]`, true))
    .sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt));
  return { zone, provider: PROVIDER, signal: 'average', generatedAt: fetchedAt.toISOString(), points };
}

/** `YYYY-MM-DDTHH:mmZ`, the time format of the API's path parameters. */
export function ukApiTime(at: Date): string {
  return `${at.toISOString().slice(0, 16)}Z`;
}

/**
 * The UK Carbon Intensity API (National Energy System Operator; no key; half-hourly). Covers only eu-west-2:
 * national figures by default (`/intensity`, forecast `/intensity/{from}/fw24h`), or one GB region with `regionId`
 * (`/regional/regionid/{id}`, forecast `/regional/intensity/{from}/fw24h/regionid/{id}`).
 */
export class UkCarbonIntensityProvider implements CarbonProvider {
  readonly name = PROVIDER;
  readonly signal = 'average' as const;
  readonly #http: HttpJsonClient;
  readonly #baseUrl: string;
  readonly #regionId?: number;
  readonly #zone: string;

  constructor(options: UkCarbonIntensityOptions) {
    this.#http = new HttpJsonClient(PROVIDER, options.http);
    this.#baseUrl = options.baseUrl ?? UK_CARBON_INTENSITY_DEFAULT_URL;
    if (options.regionId !== undefined) this.#regionId = options.regionId;
    this.#zone = options.regionId === undefined ? UK_NATIONAL_ZONE : ukRegionalZone(options.regionId);
  }

  zoneFor(region: string): string | null {
    return region === UK_REGION ? this.#zone : null;
  }

  #checkZone(zone: string): void {
    if (zone !== this.#zone) {
      throw new CarbonProviderError(
        PROVIDER,
        'unknown-zone',
        `zone ${zone} is not served; this provider serves ${this.#zone}`,
      );
    }
  }

  async latest(zone: string, now: Date): Promise<ZoneReading> {
    this.#checkZone(zone);
    if (this.#regionId === undefined) {
      return parseUkNationalCurrent(await this.#http.getJson(buildUrl(this.#baseUrl, '/intensity')), now);
    }
    const body = await this.#http.getJson(buildUrl(this.#baseUrl, `/regional/regionid/${this.#regionId}`));
    return parseUkRegionalCurrent(body, this.#regionId, now);
  }

  async forecast(zone: string, now: Date): Promise<ZoneForecast> {
    this.#checkZone(zone);
    const from = ukApiTime(now);
    const path =
      this.#regionId === undefined
        ? `/intensity/${from}/fw24h`
        : `/regional/intensity/${from}/fw24h/regionid/${this.#regionId}`;
    return parseUkForecast(await this.#http.getJson(buildUrl(this.#baseUrl, path)), zone, now);
  }
}

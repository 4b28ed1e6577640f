import * as z from 'zod';
import {
  type CarbonProvider,
  CarbonProviderError,
  type ZoneForecast,
  type ZoneReading,
} from '../../core/carbon/provider';
import { LBS_PER_MWH_TO_G_PER_KWH } from '../../core/carbon/reading';
import { regionFacts } from '../../core/carbon/region-facts';
import { intensityProblem } from '../../core/carbon/validate-reading';
import { type Clock, systemClock } from '../../core/clock';
import type { SecretValue } from '../secrets/secret-value';
import { buildUrl, HttpJsonClient, type HttpOptions } from './http-client';
import { WattTimeTokenCache } from './watttime-token-cache';

/** Default base URL of the WattTime API (override: env `WATTTIME_API_URL`). */
export const WATTTIME_DEFAULT_URL = 'https://api.watttime.org';

/** A WattTime token is valid for 30 minutes (WattTime API v3, `GET /login`). */
export const WATTTIME_TOKEN_LIFETIME_SECONDS = 1800;

const PROVIDER = 'watttime';

/**
 * gCO2e/kWh per unit of each WattTime `meta.units` that is an intensity. lbs/MWh × 0.453592 = g/kWh (1 lb =
 * 453.592 g, 1 MWh = 1000 kWh); kg/MWh equals g/kWh. Other units (`percentile` of the signal index) are not
 * intensities and cannot be converted.
 */
export const WATTTIME_UNIT_TO_G_PER_KWH: Readonly<Record<string, number>> = {
  lbs_co2_per_mwh: LBS_PER_MWH_TO_G_PER_KWH,
  kg_co2_per_mwh: 1,
  g_co2_per_kwh: 1,
};

/** Options of {@link WattTimeProvider}. */
export interface WattTimeOptions {
  readonly baseUrl?: string;
  readonly username: string;
  readonly password: SecretValue;
  readonly http: HttpOptions;
  /** Shared token cache; keep one at module scope so tokens survive Lambda invocations. */
  readonly tokenCache?: WattTimeTokenCache;
  /** Clock for token expiry; default the system clock. */
  readonly clock?: Clock;
  /** Seconds before expiry a token is renewed, so it never expires mid-request; default 60. */
  readonly refreshMarginSeconds?: number;
  /** Forecast horizon, hours (0–72); default 24. */
  readonly horizonHours?: number;
}

const signalSchema = z.object({
  data: z.array(z.object({ point_time: z.string(), value: z.unknown().optional() })),
  meta: z.object({
    region: z.string().optional(),
    units: z.string(),
    signal_type: z.unknown().optional(),
    generated_at: z.string().nullish(),
  }),
});

type SignalBody = z.infer<typeof signalSchema>;

function parseSignal(body: unknown, what: string, zone: string): SignalBody {
  const parsed = signalSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CarbonProviderError(
      PROVIDER,
      'malformed',
      `${what} body is malformed: ${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
    );
  }
  if (parsed.data.meta.region !== undefined && parsed.data.meta.region !== zone) {
    throw new CarbonProviderError(
      PROVIDER,
      'unknown-zone',
      `${what} answered for region ${parsed.data.meta.region} instead of ${zone}`,
    );
  }
  return parsed.data;
}

function factorFor(units: string, what: string): number {
  const factor = WATTTIME_UNIT_TO_G_PER_KWH[units];
  if (factor === undefined) {
    throw new CarbonProviderError(
      PROVIDER,
      'unsupported-units',
      `${what} reports units ${JSON.stringify(units)}, not an intensity convertible to gCO2e/kWh (expected one of ${Object.keys(WATTTIME_UNIT_TO_G_PER_KWH).join(', ')})`,
    );
  }
  return factor;
}

function isoTime(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new CarbonProviderError(PROVIDER, 'malformed', `${field} ${JSON.stringify(value)} is not an ISO-8601 time`);
  }
  return new Date(time).toISOString();
}

function points(body: SignalBody, zone: string, fetchedAt: Date, what: string, forecast: boolean): ZoneReading[] {
  const factor = factorFor(body.meta.units, what);
  return body.data.map((point, i) => {
    const raw = point.value;
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      const problem = intensityProblem(raw, `${what} data[${i}].value`)!;
      throw new CarbonProviderError(PROVIDER, problem.kind, problem.message);
    }
    const gCO2ePerKWh = raw * factor;
    const problem = intensityProblem(gCO2ePerKWh, `${what} data[${i}].value (${raw} ${body.meta.units})`);
    if (problem) throw new CarbonProviderError(PROVIDER, problem.kind, problem.message);
    return {
      zone,
      provider: PROVIDER,
      signal: 'marginal',
      gCO2ePerKWh,
      observedAt: isoTime(point.point_time, `${what} data[${i}].point_time`),
      fetchedAt: fetchedAt.toISOString(),
      isEstimated: forecast,
      isForecast: forecast,
    };
  });
}

/**
 * Parse a `/v3/signal-index` (or `/v3/historical`) body `{ data: [{ point_time, value }], meta: { region, units } }`
 * into the most recent reading, converting by `meta.units` (lbs_co2_per_mwh × 0.453592 → g/kWh). Marginal signal.
 *
 * @throws {CarbonProviderError} `unsupported-units` for `percentile` or any unit that is not an intensity,
 *   `malformed`, `invalid-value`, `unknown-zone` (the body names another region)
 */
export function parseWattTimeSignal(body: unknown, zone: string, fetchedAt: Date): ZoneReading {
  const parsed = parseSignal(body, 'signal-index', zone);
  const readings = points(parsed, zone, fetchedAt, 'signal-index', false);
  if (readings.length === 0) throw new CarbonProviderError(PROVIDER, 'malformed', 'signal-index has no data points');
  return readings.reduce((a, b) => (Date.parse(b.observedAt) > Date.parse(a.observedAt) ? b : a));
}

/**
 * Parse a `/v3/forecast` body (`signal_type=co2_moer`): points converted by `meta.units`, `generatedAt` from
 * `meta.generated_at`. Forecast points are marked `isForecast` and `isEstimated`.
 * @throws {CarbonProviderError} as {@link parseWattTimeSignal}
 */
export function parseWattTimeForecast(body: unknown, zone: string, fetchedAt: Date): ZoneForecast {
  const parsed = parseSignal(body, 'forecast', zone);
  return {
    zone,
    provider: PROVIDER,
    signal: 'marginal',
    generatedAt: parsed.meta.generated_at
      ? isoTime(parsed.meta.generated_at, 'forecast meta.generated_at')
      : fetchedAt.toISOString(),
    points: points(parsed, zone, fetchedAt, 'forecast', true),
  };
}

/**
 * WattTime API v3: marginal operating emissions rate (`co2_moer`), converted from lbs/MWh to g/kWh.
 *
 * Authentication: `GET /login` with HTTP Basic returns a bearer token valid 30 minutes; it is cached (shared
 * {@link WattTimeTokenCache}) and renewed shortly before expiry, and a data call answered with HTTP 401 triggers
 * exactly one new login and one retry. The current value comes from `/v3/signal-index`, read by its `meta.units`;
 * when that is only a `percentile` (accounts without a data plan), the current MOER is taken from
 * `/v3/forecast?horizon_hours=0` (the most recent forecast value, available to subscribers). Regions are the
 * WattTime regions of the region table (`wattTimeRegion`).
 */
export class WattTimeProvider implements CarbonProvider {
  readonly name = PROVIDER;
  readonly signal = 'marginal' as const;
  readonly #http: HttpJsonClient;
  readonly #baseUrl: string;
  readonly #username: string;
  readonly #password: SecretValue;
  readonly #cache: WattTimeTokenCache;
  readonly #clock: Clock;
  readonly #marginMs: number;
  readonly #horizonHours: number;
  readonly #key: string;

  constructor(options: WattTimeOptions) {
    this.#http = new HttpJsonClient(PROVIDER, options.http);
    this.#baseUrl = options.baseUrl ?? WATTTIME_DEFAULT_URL;
    this.#username = options.username;
    this.#password = options.password;
    this.#cache = options.tokenCache ?? new WattTimeTokenCache();
    this.#clock = options.clock ?? systemClock;
    this.#marginMs = (options.refreshMarginSeconds ?? 60) * 1000;
    this.#horizonHours = options.horizonHours ?? 24;
    this.#key = `${this.#baseUrl}\u0000${this.#username}`;
  }

  zoneFor(region: string): string | null {
    return regionFacts(region)?.wattTimeRegion ?? null;
  }

  async #login(): Promise<string> {
    const basic = Buffer.from(`${this.#username}:${this.#password.reveal()}`).toString('base64');
    let body: unknown;
    try {
      body = await this.#http.getJson(buildUrl(this.#baseUrl, '/login'), { authorization: `Basic ${basic}` });
    } catch (error) {
      if (error instanceof CarbonProviderError && error.kind === 'auth') {
        throw new CarbonProviderError(
          PROVIDER,
          'auth',
          `login rejected (HTTP ${error.status}): check the WattTime username and password`,
          error.status,
        );
      }
      throw error;
    }
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '') {
      throw new CarbonProviderError(PROVIDER, 'malformed', 'login body has no token');
    }
    this.#cache.store(this.#key, token, this.#clock().getTime() + WATTTIME_TOKEN_LIFETIME_SECONDS * 1000);
    return token;
  }

  async #token(): Promise<string> {
    const cached = this.#cache.valid(this.#key, this.#clock().getTime() + this.#marginMs);
    return cached ?? this.#cache.login(this.#key, () => this.#login());
  }

  async #get(path: string, query: Record<string, string>, zone: string): Promise<unknown> {
    const url = buildUrl(this.#baseUrl, path, query);
    const call = async (token: string) => this.#http.getJson(url, { authorization: `Bearer ${token}` });
    const token = await this.#token();
    try {
      return await call(token);
    } catch (error) {
      if (error instanceof CarbonProviderError && error.status === 401) {
        this.#cache.invalidate(this.#key, token);
        return await call(await this.#token()).catch((again: unknown) => {
          throw this.#zoneError(again, zone);
        });
      }
      throw this.#zoneError(error, zone);
    }
  }

  #zoneError(error: unknown, zone: string): unknown {
    if (error instanceof CarbonProviderError && (error.status === 400 || error.status === 404)) {
      return new CarbonProviderError(
        PROVIDER,
        'unknown-zone',
        `region ${zone} is unknown to WattTime (${error.message})`,
        error.status,
      );
    }
    return error;
  }

  /** `GET /v3/signal-index?region=R&signal_type=co2_moer`, read by `meta.units` (see the class description). */
  async latest(zone: string, now: Date): Promise<ZoneReading> {
    const body = await this.#get('/v3/signal-index', { region: zone, signal_type: 'co2_moer' }, zone);
    try {
      return parseWattTimeSignal(body, zone, now);
    } catch (error) {
      if (!(error instanceof CarbonProviderError) || error.kind !== 'unsupported-units') throw error;
      const units = (body as SignalBody).meta.units;
      try {
        const current = await this.#get(
          '/v3/forecast',
          { region: zone, signal_type: 'co2_moer', horizon_hours: '0' },
          zone,
        );
        const first = parseWattTimeForecast(current, zone, now).points[0];
        if (!first) throw new CarbonProviderError(PROVIDER, 'malformed', 'forecast has no data points');
        return { ...first, isForecast: false };
      } catch (fallback) {
        const reason = fallback instanceof Error ? fallback.message : String(fallback);
        const kind = fallback instanceof CarbonProviderError ? fallback.kind : 'malformed';
        throw new CarbonProviderError(
          PROVIDER,
          kind,
          `signal-index gives ${JSON.stringify(units)} (not an intensity) and the current MOER is unavailable: ${reason}`,
          fallback instanceof CarbonProviderError ? fallback.status : undefined,
        );
      }
    }
  }

  /** `GET /v3/forecast?region=R&signal_type=co2_moer&horizon_hours=24`. */
  async forecast(zone: string, now: Date): Promise<ZoneForecast> {
    const body = await this.#get(
      '/v3/forecast',
      { region: zone, signal_type: 'co2_moer', horizon_hours: String(this.#horizonHours) },
      zone,
    );
    return parseWattTimeForecast(body, zone, now);
  }
}

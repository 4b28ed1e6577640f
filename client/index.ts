import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Checksum, SourceData } from '@smithy/types';
import type {
  EstimateRequest,
  EstimateResponse,
  ForecastResponse,
  HealthResponse,
  InstanceDetail,
  InstancesResponse,
  JobAccepted,
  JobResponse,
  JobSubmission,
  MetricsResponse,
  ProblemJson,
  RegionStatus,
  RegionsResponse,
  ReportResponse,
} from '../lambdas/core/api/schemas';

/**
 * A small typed client of the sustainability HTTP API (docs/api.md): every request signed with SigV4 (service
 * `execute-api`) by the AWS SDK's signer, typed from the API's zod schemas, and retried on throttling (429) and
 * server errors (500, 502, 503, 504) with exponential backoff and full jitter, honouring `Retry-After`.
 */

export type {
  EstimateRequest,
  EstimateResponse,
  ForecastResponse,
  HealthResponse,
  InstanceDetail,
  InstancesResponse,
  JobAccepted,
  JobResponse,
  JobSubmission,
  MetricsResponse,
  ProblemJson,
  RegionStatus,
  RegionsResponse,
  ReportResponse,
};

/** SHA-256 for the signer over node:crypto (the interface of @aws-crypto/sha256-js, HMAC when given a secret). */
export class NodeSha256 implements Checksum {
  #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;

  constructor(private readonly secret?: SourceData) {
    this.#hash = this.#fresh();
  }

  #fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }

  update(data: Uint8Array | string): void {
    this.#hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#fresh();
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data as ArrayBuffer);
}

/** The API answered with a problem (RFC 9457), or with a status and no problem body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemJson | undefined,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} → ${status}: ${problem?.detail ?? problem?.title ?? 'no problem details'}`);
    this.name = 'ApiError';
  }
}

/** Options of {@link SustainabilityApiClient}. */
export interface SustainabilityApiClientOptions {
  /** The API URL (stack output `ApiUrl`), e.g. `https://abc123.execute-api.eu-central-1.amazonaws.com`. */
  readonly baseUrl: string;
  /** Region of the API (the home region), part of the signature's scope. */
  readonly region: string;
  /** Credentials or a provider (e.g. the SDK's default chain: `defaultCredentials()` in client/credentials.ts). */
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Attempts in all, first one included (default 4). */
  readonly maxAttempts?: number;
  /** First backoff, ms (default 200; doubles each retry, full jitter, at most 5 s). */
  readonly baseDelayMs?: number;
  /** `fetch` (default the global one). */
  readonly fetch?: typeof fetch;
  /** Waits between attempts (tests inject an immediate one). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (default Math.random). */
  readonly random?: () => number;
}

/** Statuses a request is retried on. */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

type Query = Record<string, string | number | undefined>;

/** The typed client. Every method throws {@link ApiError} for an answer outside 2xx (after retries). */
export class SustainabilityApiClient {
  readonly #signer: SignatureV4;
  readonly #base: URL;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(private readonly options: SustainabilityApiClientOptions) {
    this.#base = new URL(options.baseUrl);
    if (this.#base.protocol !== 'https:' && this.#base.protocol !== 'http:') {
      throw new TypeError(`baseUrl ${options.baseUrl} must be an http(s) URL`);
    }
    this.#signer = new SignatureV4({
      service: 'execute-api',
      region: options.region,
      credentials: options.credentials,
      sha256: NodeSha256,
    });
    this.#fetch = options.fetch ?? fetch;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = options.random ?? Math.random;
  }

  health(): Promise<HealthResponse> {
    return this.#json('GET', '/v1/health');
  }
  regions(): Promise<RegionsResponse> {
    return this.#json('GET', '/v1/regions');
  }
  region(region: string): Promise<RegionStatus> {
    return this.#json('GET', `/v1/regions/${encodeURIComponent(region)}`);
  }
  forecast(region: string, query: { durationMinutes?: number } = {}): Promise<ForecastResponse> {
    return this.#json('GET', `/v1/forecast/${encodeURIComponent(region)}`, query);
  }
  instances(
    query: { region?: string; schedule?: string; limit?: number; nextToken?: string } = {},
  ): Promise<InstancesResponse> {
    return this.#json('GET', '/v1/instances', query);
  }
  /** Every instance, following `nextToken` page by page. */
  async allInstances(query: { region?: string; schedule?: string } = {}): Promise<InstancesResponse['items']> {
    const items: InstancesResponse['items'] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.instances({ ...query, limit: 200, ...(nextToken ? { nextToken } : {}) });
      items.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken);
    return items;
  }
  instance(id: string): Promise<InstanceDetail> {
    return this.#json('GET', `/v1/instances/${encodeURIComponent(id)}`);
  }
  metrics(): Promise<MetricsResponse> {
    return this.#json('GET', '/v1/metrics');
  }
  estimate(body: EstimateRequest): Promise<EstimateResponse> {
    return this.#json('POST', '/v1/estimate', {}, body);
  }
  submitJob(body: JobSubmission): Promise<JobAccepted> {
    return this.#json('POST', '/v1/jobs', {}, body);
  }
  job(id: string): Promise<JobResponse> {
    return this.#json('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  }
  /** The report model of `[from, to)` (days `YYYY-MM-DD`, UTC). */
  report(query: { from: string; to: string }): Promise<ReportResponse> {
    return this.#json('GET', '/v1/reports', { ...query, format: 'json' });
  }
  /** The report of `[from, to)` as CSV. */
  async reportCsv(query: { from: string; to: string }): Promise<string> {
    return (await this.#send('GET', '/v1/reports', { ...query, format: 'csv' })).text();
  }

  async #json<T>(method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
    return (await (await this.#send(method, path, query, body)).json()) as T;
  }

  async #send(method: string, path: string, query: Query, body?: unknown): Promise<Response> {
    const attempts = Math.max(1, this.options.maxAttempts ?? 4);
    const text = body === undefined ? undefined : JSON.stringify(body);
    const fullPath = `${this.#base.pathname.replace(/\/$/, '')}${path}`;
    const params = Object.fromEntries(
      Object.entries(query)
        .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    for (let attempt = 1; ; attempt += 1) {
      const signed = await this.#signer.sign({
        method,
        protocol: this.#base.protocol,
        hostname: this.#base.hostname,
        ...(this.#base.port ? { port: Number(this.#base.port) } : {}),
        path: fullPath,
        query: params,
        headers: {
          host: this.#base.host,
          accept: 'application/json, application/problem+json, text/csv',
          ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(text !== undefined ? { body: text } : {}),
      });
      const url = new URL(fullPath, this.#base);
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      const { host: _host, ...headers } = signed.headers;
      let response: Response | undefined;
      let networkError: unknown;
      try {
        response = await this.#fetch(url, { method, headers, ...(text !== undefined ? { body: text } : {}) });
      } catch (error) {
        networkError = error;
      }
      if (response?.ok) return response;
      const retry = attempt < attempts && (response === undefined || RETRIED_STATUSES.has(response.status));
      if (!retry) {
        if (!response) throw networkError;
        let problem: ProblemJson | undefined;
        try {
          problem = (await response.json()) as ProblemJson;
        } catch {
          problem = undefined;
        }
        throw new ApiError(response.status, problem, method, path);
      }
      await response?.body?.cancel();
      await this.#sleep(this.#delay(attempt, response?.headers.get('retry-after') ?? null));
    }
  }

  /** Backoff before attempt `attempt + 1`: `Retry-After` seconds when given, else full jitter of 200 ms × 2^n. */
  #delay(attempt: number, retryAfter: string | null): number {
    const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 20_000);
    const cap = Math.min(5000, (this.options.baseDelayMs ?? 200) * 2 ** (attempt - 1));
    return Math.floor(this.#random() * cap);
  }
}

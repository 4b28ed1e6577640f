import { CarbonProviderError } from '../../core/carbon/provider';
import type { ProviderName } from '../../core/carbon/reading';
import { type Clock, systemClock } from '../../core/clock';
import { fullJitterDelayMs, parseRetryAfterMs } from './backoff';
import { redactCredentials } from './redact';

/** How provider requests are made: timeouts, retries and the injectable pieces tests replace. */
export interface HttpOptions {
  /** Timeout of each attempt (connect, headers and body), ms (config `carbon.requestTimeoutMs`). */
  readonly timeoutMs: number;
  /** Retries after the first attempt for HTTP 429 and 5xx (config `carbon.maxRetries`). */
  readonly maxRetries: number;
  /** Base of the exponential backoff, ms; default 250. */
  readonly baseDelayMs?: number;
  /** Largest backoff delay, ms; default 4,000. */
  readonly maxDelayMs?: number;
  /**
   * Longest `Retry-After` honoured, ms; default 10,000. A server asking for a longer wait is not retried in this
   * run (the fallback chain takes over) rather than keeping the Lambda waiting.
   */
  readonly maxRetryAfterMs?: number;
  /** Waits between attempts; tests inject one that records the waits and returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random numbers in [0, 1) for the jitter; default Math.random. */
  readonly random?: () => number;
  /** Clock for HTTP-date `Retry-After` values; default the system clock. */
  readonly clock?: Clock;
  /** The fetch implementation; default the global fetch of Node 20+. */
  readonly fetch?: typeof fetch;
  /**
   * The run's time budget (e.g. `AbortSignal.timeout(ms)` from the Lambda's remaining time): once aborted, requests
   * in flight stop and no new attempt or retry starts, so the fallback chain still finishes in time.
   */
  readonly budget?: AbortSignal;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `base` (with or without a path prefix or trailing slash) + `path` + `query`. */
export function buildUrl(base: string, path: string, query: Readonly<Record<string, string>> = {}): URL {
  const url = new URL(`${base.replace(/\/+$/, '')}${path}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url;
}

function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return (error as Error)?.message ?? 'unknown error';
}

/** Whether a fetch failure is undici's refusal of a redirect (`redirect: 'error'`). */
function isRedirectRefusal(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    if (/redirect/i.test((current as Error).message ?? '')) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

async function readMessage(response: Response, secrets: readonly string[]): Promise<string> {
  try {
    const text = (await response.text()).trim();
    if (!text) return '';
    let message = text;
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const field = parsed.message ?? parsed.error ?? parsed.msg ?? parsed.detail;
      if (typeof field === 'string') message = field;
    } catch {
      // not JSON: keep the text
    }
    // A provider may echo the request (headers, query) in its error body: redact before it reaches a message.
    return `: ${redactCredentials(message, secrets)}`;
  } catch {
    return '';
  }
}

/**
 * A small JSON-over-HTTP client for one provider: a timeout on every attempt (`AbortSignal.timeout`), retries with
 * exponential backoff and full jitter for HTTP 429 and 5xx honouring `Retry-After` (seconds or HTTP date, capped),
 * and every failure turned into a {@link CarbonProviderError} whose message never contains a credential: the values
 * of the headers sent (and known credential fields) are redacted from error bodies (`redact.ts`). Redirects are
 * refused (`redirect: 'error'`), so a credential header is never forwarded to another origin (docs/security.md).
 */
export class HttpJsonClient {
  readonly #options: Required<Omit<HttpOptions, 'fetch' | 'budget'>> & { fetch?: typeof fetch; budget?: AbortSignal };

  constructor(
    readonly provider: ProviderName,
    options: HttpOptions,
  ) {
    this.#options = {
      baseDelayMs: 250,
      maxDelayMs: 4000,
      maxRetryAfterMs: 10_000,
      sleep: realSleep,
      random: Math.random,
      clock: systemClock,
      ...options,
    };
  }

  /**
   * GET `url` and parse the JSON body.
   *
   * @throws {CarbonProviderError} kind `timeout`, `network`, `auth` (401/403), `rate-limited` (429), `http`
   *   (other statuses, with `status`), or `malformed` (body not JSON)
   */
  async getJson(url: URL, headers: Readonly<Record<string, string>> = {}): Promise<unknown> {
    const options = this.#options;
    const doFetch = options.fetch ?? fetch;
    const what = `GET ${url.pathname}`;
    // Every header value but `accept` may be a credential (auth-token, authorization).
    const secrets = Object.entries(headers)
      .filter(([name]) => name.toLowerCase() !== 'accept')
      .map(([, value]) => value);
    const budget = options.budget;
    const budgetSpent = () =>
      new CarbonProviderError(this.provider, 'timeout', `${what} not completed: the run's time budget is used up`);
    for (let attempt = 0; ; attempt += 1) {
      if (budget?.aborted) throw budgetSpent();
      const attemptSignal = AbortSignal.timeout(options.timeoutMs);
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'GET',
          headers: { accept: 'application/json', ...headers },
          redirect: 'error',
          signal: budget ? AbortSignal.any([attemptSignal, budget]) : attemptSignal,
        });
      } catch (error) {
        const name = (error as Error)?.name;
        if (budget?.aborted && !attemptSignal.aborted) throw budgetSpent();
        if (name === 'TimeoutError' || name === 'AbortError') {
          throw new CarbonProviderError(this.provider, 'timeout', `${what} timed out after ${options.timeoutMs} ms`);
        }
        if (isRedirectRefusal(error)) {
          throw new CarbonProviderError(
            this.provider,
            'network',
            `${what} was redirected; redirects are refused so credentials never reach another origin`,
          );
        }
        throw new CarbonProviderError(
          this.provider,
          'network',
          `${what} failed to connect (${redactCredentials(networkCode(error), secrets)})`,
        );
      }

      if (response.ok) {
        let text: string;
        try {
          text = await response.text();
        } catch (error) {
          const name = (error as Error)?.name;
          if (budget?.aborted && !attemptSignal.aborted) throw budgetSpent();
          if (name === 'TimeoutError' || name === 'AbortError') {
            throw new CarbonProviderError(this.provider, 'timeout', `${what} timed out after ${options.timeoutMs} ms`);
          }
          throw new CarbonProviderError(this.provider, 'network', `${what} body failed (${networkCode(error)})`);
        }
        try {
          return JSON.parse(text);
        } catch (error) {
          throw new CarbonProviderError(
            this.provider,
            'malformed',
            // Node's JSON.parse message quotes the start of the body, which may echo a credential.
            `${what} returned a body that is not JSON (${redactCredentials((error as Error).message, secrets)})`,
          );
        }
      }

      const status = response.status;
      // The status text is the server's too: redacted like the body.
      const label = redactCredentials(
        `${what} → HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`,
        secrets,
        400,
      );
      const retryable = status === 429 || status >= 500;
      if (!retryable) {
        const message = `${label}${await readMessage(response, secrets)}`;
        const kind = status === 401 || status === 403 ? 'auth' : 'http';
        throw new CarbonProviderError(this.provider, kind, message, status);
      }
      const kind = status === 429 ? 'rate-limited' : 'http';
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), options.clock());
      await response.body?.cancel().catch(() => undefined);
      const attempts = attempt + 1;
      if (attempt >= options.maxRetries) {
        throw new CarbonProviderError(
          this.provider,
          kind,
          `${label} after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
          status,
        );
      }
      if (retryAfterMs !== undefined && retryAfterMs > options.maxRetryAfterMs) {
        throw new CarbonProviderError(
          this.provider,
          kind,
          `${label}; Retry-After ${Math.ceil(retryAfterMs / 1000)} s exceeds the ${options.maxRetryAfterMs / 1000} s cap, not retried`,
          status,
        );
      }
      const delay = retryAfterMs ?? fullJitterDelayMs(attempt, options.random, options.baseDelayMs, options.maxDelayMs);
      await options.sleep(delay);
    }
  }
}

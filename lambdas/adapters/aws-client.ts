/**
 * The one way adapters construct AWS SDK clients (docs/run-safety.md, "Deadlines"): every client gets a connection
 * timeout and a request timeout that throw (smithy's NodeHttpHandler only logs a warning on a request timeout
 * unless `throwOnRequestTimeout` is set), so one hung regional endpoint fails its call in bounded time instead of
 * holding the run until the Lambda timeout. Retries stay the SDK's (adaptive where the caller asks for it), and each
 * retry is bounded by the same timeouts.
 */

import { withoutSdkLogFilter } from './sdk-client';

/** What every SDK v3 client has: its middleware stack. */
type SdkClientLike = { middlewareStack: { remove(name: string): boolean } };

/** Connection and request timeouts of an SDK client, ms. */
export interface ClientTimeouts {
  /** Time to establish the TCP/TLS connection. */
  readonly connectionTimeoutMs: number;
  /** Time from sending the request to the complete response (one attempt). */
  readonly requestTimeoutMs: number;
}

/**
 * Default timeouts: 3 s to connect (a healthy regional endpoint connects in well under 1 s from Lambda); 20 s per
 * attempt (a StartInstances or StopInstances call of 1,000 ids answers in a few seconds).
 */
export const DEFAULT_CLIENT_TIMEOUTS: ClientTimeouts = { connectionTimeoutMs: 3_000, requestTimeoutMs: 20_000 };

/** The `requestHandler` options an SDK client takes (the object form: the SDK builds its NodeHttpHandler from it). */
export interface RequestHandlerOptions {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
  readonly throwOnRequestTimeout: true;
}

/** The request handler options of `timeouts`. */
export function requestHandlerOptions(timeouts: Partial<ClientTimeouts> = {}): RequestHandlerOptions {
  const t = { ...DEFAULT_CLIENT_TIMEOUTS, ...timeouts };
  for (const [name, value] of Object.entries(t)) {
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`${name} must be a positive number of ms, got ${value}`);
  }
  return { connectionTimeout: t.connectionTimeoutMs, requestTimeout: t.requestTimeoutMs, throwOnRequestTimeout: true };
}

/** Options of {@link awsClient}: the client's own configuration plus timeouts. */
export type AwsClientOptions<C> = C & { readonly timeouts?: Partial<ClientTimeouts> };

/**
 * Construct `Client` with `config` and the timeouts (defaults {@link DEFAULT_CLIENT_TIMEOUTS}), without the SDK's
 * logger middleware unless `config` names a logger. A `requestHandler` in `config` (a test's own handler) is kept as
 * given.
 */
export function awsClient<T, A extends unknown[]>(
  Client: new (...args: A) => T,
  config: AwsClientOptions<NonNullable<A[0]>> = {} as AwsClientOptions<NonNullable<A[0]>>,
): T {
  const { timeouts, ...rest } = config as AwsClientOptions<object> & { requestHandler?: unknown };
  const requestHandler = rest.requestHandler ?? requestHandlerOptions(timeouts);
  const client = new Client(...([{ ...rest, requestHandler }] as unknown as A));
  // Every client also sheds the SDK's per-request log filter (lambdas/adapters/sdk-client.ts).
  return withoutSdkLogFilter(client as T & SdkClientLike, rest as { logger?: unknown });
}

/**
 * Clients of `Client` per region, created once and reused, each built by {@link awsClient} with `config` and the
 * region.
 */
export function regionalClients<T, A extends unknown[]>(
  Client: new (...args: A) => T,
  config: AwsClientOptions<Omit<NonNullable<A[0]>, 'region'>> = {} as AwsClientOptions<
    Omit<NonNullable<A[0]>, 'region'>
  >,
): (region: string) => T {
  const clients = new Map<string, T>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = awsClient(Client, { ...config, region } as unknown as AwsClientOptions<NonNullable<A[0]>>);
      clients.set(region, client);
    }
    return client;
  };
}

import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded answer. */
export interface ReplayResponse {
  /** HTTP status; default 200. */
  readonly status?: number;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as is instead of `body` (malformed JSON). */
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait before answering, ms (real time: use small values, or to provoke client timeouts). */
  readonly delayMs?: number;
  /** Destroy the socket without answering. */
  readonly destroy?: boolean;
}

/** A request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
}

/** A route: requests matching method, path and query get the responses in order (the last one repeats). */
export interface ReplayRoute {
  readonly method?: string;
  /** Exact path (without query), or a pattern. */
  readonly path: string | RegExp;
  /** Query parameters that must be present with these values. */
  readonly query?: Readonly<Record<string, string>>;
  readonly responses?: readonly ReplayResponse[];
  /** Computes the response (wins over `responses`). */
  readonly respond?: (request: RecordedRequest) => ReplayResponse;
}

/** A running loopback replay server. */
export interface ReplayServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests whose path equals or matches `path` (all when omitted). */
  count(path?: string | RegExp): number;
  /** The largest number of requests in flight at the same time. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/** Read a fixture from test/fixtures/providers/ as parsed JSON. */
export function providerFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/providers/${name}`, import.meta.url), 'utf8')) as T;
}

const matches = (pattern: string | RegExp, path: string): boolean =>
  typeof pattern === 'string' ? pattern === path : pattern.test(path);

/**
 * Start a replay server on 127.0.0.1, port 0 (node:http), answering routes with recorded bodies, statuses, headers
 * and delays, and recording every request (method, path, query, headers) so tests can assert what was sent.
 * Unmatched requests get HTTP 404 `{"message":"no replay route"}`.
 */
export async function startReplayServer(routes: readonly ReplayRoute[]): Promise<ReplayServer> {
  const requests: RecordedRequest[] = [];
  const served = new Map<ReplayRoute, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      headers: req.headers,
    };
    requests.push(recorded);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        inFlight -= 1;
      }
    };
    res.on('close', finish);

    const route = routes.find(
      (candidate) =>
        (candidate.method ?? 'GET') === recorded.method &&
        matches(candidate.path, recorded.path) &&
        Object.entries(candidate.query ?? {}).every(([key, value]) => recorded.query[key] === value),
    );
    let response: ReplayResponse;
    if (!route) {
      response = { status: 404, body: { message: 'no replay route' } };
    } else if (route.respond) {
      response = route.respond(recorded);
    } else {
      const index = served.get(route) ?? 0;
      served.set(route, index + 1);
      const list = route.responses ?? [{}];
      response = list[Math.min(index, list.length - 1)] ?? {};
    }

    const send = () => {
      if (response.destroy) {
        req.socket.destroy();
        return;
      }
      const text = response.raw ?? (response.body === undefined ? '' : JSON.stringify(response.body));
      res.writeHead(response.status ?? 200, { 'content-type': 'application/json', ...response.headers });
      res.end(text);
    };
    if (response.delayMs) {
      const timer = setTimeout(send, response.delayMs);
      res.on('close', () => clearTimeout(timer));
    } else {
      send();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (path) => (path === undefined ? requests.length : requests.filter((r) => matches(path, r.path)).length),
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL on which nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A sleep that records each wait and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}

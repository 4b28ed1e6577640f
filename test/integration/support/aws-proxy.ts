import { randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of moto that records every AWS API call and can inject faults, per rule.
 *
 * Point a deployed bundle at it instead of moto (`localFunction(..., { endpoint: proxy.url })`, which sets
 * `AWS_ENDPOINT_URL`): every SDK client of the function (all services, all regions: the region and service come
 * from the SigV4 credential scope) then goes through the proxy, which forwards to moto and records the call.
 *
 * - **Recording**: `proxy.calls` lists every request in arrival order as an {@link AwsCall}: service (the SigV4
 *   signing name: `dynamodb`, `ec2`, `lambda`, `events`, `scheduler`, `monitoring` for CloudWatch, `secretsmanager`,
 *   `pricing`, ...), region, action (from `X-Amz-Target`, else the `Action` form or query parameter, else the REST
 *   path: see {@link REST_ACTIONS}), the body, and the response status and body. `proxy.find(matcher)` filters them.
 * - **Faults**: `proxy.inject({ match, fault, times?, skip? })` makes the matching calls fail, the first `times`
 *   of them (default: all) after skipping `skip`: a connection reset before moto sees the request, a reset after
 *   moto has applied it (the client cannot know it took effect), the service's throttling error, HTTP 503, any AWS
 *   error code in the service's wire protocol, a hang (never answered), a delay, or a custom response (static, or
 *   computed from the call: a stand-in for an API moto lacks, such as PutEvents onto a rule with a Lambda target).
 *   The first matching active rule wins; `remove()` or `proxy.clearFaults()` ends faults.
 *
 * The proxy never evaluates signatures or credentials (moto does not either) and buffers bodies (AWS API calls of
 * these functions are small). Requests are forwarded with their headers unchanged except `host`; answers carry
 * the caller's clock in `Date` (see {@link callerClock}: bundles run on a simulated clock, and the SDK would
 * otherwise retry every error as a clock-skew correction).
 */

/** One AWS API request as the proxy saw it. */
export interface AwsCall {
  /** Arrival order, from 1. */
  readonly seq: number;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** SigV4 signing name from the credential scope (`unknown` when the request is not signed). */
  readonly service: string;
  /** SigV4 region from the credential scope (`unknown` when the request is not signed). */
  readonly region: string;
  /** Operation name, e.g. `PutItem`, `DescribeInstances`, `Invoke`, `CreateSchedule`; else `METHOD /path`. */
  readonly action: string;
  /** For REST APIs: the decoded resource named in the path (function name or ARN, schedule name), when known. */
  readonly resource?: string;
  readonly headers: IncomingHttpHeaders;
  /** Request body as UTF-8 text. */
  readonly body: string;
  /** Real time the request arrived, ms since the epoch. */
  readonly receivedAtMs: number;
  /** Response status sent to the client; undefined when the connection was reset or never answered. */
  status?: number;
  /** Response body sent to the client (first 256 KiB). */
  responseBody?: string;
  /** The fault injected into this call, e.g. `throttle`, `reset`, `error InternalFailure`. */
  fault?: string;
}

/** Which calls a rule or a search applies to; every given field must match. */
export interface CallMatcher {
  readonly service?: string | readonly string[];
  readonly action?: string | readonly string[] | RegExp;
  readonly region?: string | readonly string[];
  readonly method?: string;
  readonly path?: string | RegExp;
  /** Any further condition, e.g. on the body. */
  readonly where?: (call: AwsCall) => boolean;
}

/** What to do to a matching call instead of (or around) forwarding it. */
export type AwsFault =
  /** Destroy the connection before forwarding: moto never sees the request (the client gets ECONNRESET). */
  | { readonly kind: 'reset' }
  /** Forward to moto, then destroy the connection instead of answering: the call took effect, the client cannot know. */
  | { readonly kind: 'reset-after-forward' }
  /** The service's own throttling error (status and code per service, see {@link throttlingError}). */
  | { readonly kind: 'throttle' }
  /** HTTP 503 `ServiceUnavailable` in the service's protocol. */
  | { readonly kind: 'unavailable' }
  /** An AWS error response in the service's wire protocol (default status 400). */
  | { readonly kind: 'error'; readonly code: string; readonly message?: string; readonly status?: number }
  /** Never answer (the connection stays open until the client gives up or the proxy closes). */
  | { readonly kind: 'hang' }
  /** Forward after `ms` milliseconds. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Answer with exactly this, without forwarding. */
  | {
      readonly kind: 'respond';
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
    }
  /** Answer with what `respond` computes from the call, without forwarding (a stand-in for an API moto lacks). */
  | {
      readonly kind: 'answer';
      readonly respond: (call: AwsCall) => {
        readonly status: number;
        readonly headers?: Readonly<Record<string, string>>;
        readonly body?: string;
      };
    };

/** A fault rule: `fault` for the calls matching `match`, the first `times` of them after skipping `skip`. */
export interface FaultRule {
  readonly match: CallMatcher;
  readonly fault: AwsFault;
  /** Matching calls to fault (default: every one). */
  readonly times?: number;
  /** Matching calls to let through first (default 0). */
  readonly skip?: number;
}

/** An injected rule: how often it matched and fired, and how to remove it. */
export interface InjectedFault {
  /** Matching calls seen, including skipped ones. */
  readonly matched: number;
  /** Calls the fault was applied to. */
  readonly fired: number;
  remove(): void;
}

/** A running proxy. */
export interface AwsProxy {
  /** `http://127.0.0.1:<port>`: use it as `AWS_ENDPOINT_URL`. */
  readonly url: string;
  /** Where calls are forwarded (moto). */
  readonly target: string;
  /** Every call, in arrival order. */
  readonly calls: readonly AwsCall[];
  /** The calls matching `matcher` (all when omitted). */
  find(matcher?: CallMatcher): AwsCall[];
  inject(rule: FaultRule): InjectedFault;
  clearFaults(): void;
  /** Forget the recorded calls. */
  clearCalls(): void;
  close(): Promise<void>;
}

/** One REST route: method and path pattern of an operation of a REST (rest-json) service. */
export interface RestAction {
  readonly service: string;
  readonly method: string;
  /** Matched against the path; the first capture group, URL-decoded, is the call's `resource`. */
  readonly path: RegExp;
  readonly action: string;
}

/** Operations of the REST services the product calls (Lambda, EventBridge Scheduler). Others fall back to `METHOD /path`. */
export const REST_ACTIONS: readonly RestAction[] = [
  { service: 'lambda', method: 'POST', path: /^\/2015-03-31\/functions\/([^/]+)\/invocations$/, action: 'Invoke' },
  {
    service: 'lambda',
    method: 'POST',
    path: /^\/2014-11-13\/functions\/([^/]+)\/invoke-async\/?$/,
    action: 'InvokeAsync',
  },
  {
    service: 'lambda',
    method: 'GET',
    path: /^\/2015-03-31\/functions\/([^/]+)\/configuration$/,
    action: 'GetFunctionConfiguration',
  },
  { service: 'lambda', method: 'GET', path: /^\/2015-03-31\/functions\/([^/]+)$/, action: 'GetFunction' },
  { service: 'scheduler', method: 'POST', path: /^\/schedules\/([^/]+)$/, action: 'CreateSchedule' },
  { service: 'scheduler', method: 'GET', path: /^\/schedules\/([^/]+)$/, action: 'GetSchedule' },
  { service: 'scheduler', method: 'PUT', path: /^\/schedules\/([^/]+)$/, action: 'UpdateSchedule' },
  { service: 'scheduler', method: 'DELETE', path: /^\/schedules\/([^/]+)$/, action: 'DeleteSchedule' },
  { service: 'scheduler', method: 'GET', path: /^\/schedules\/?()$/, action: 'ListSchedules' },
  { service: 'scheduler', method: 'POST', path: /^\/schedule-groups\/([^/]+)$/, action: 'CreateScheduleGroup' },
  { service: 'scheduler', method: 'GET', path: /^\/schedule-groups\/([^/]+)$/, action: 'GetScheduleGroup' },
  { service: 'scheduler', method: 'DELETE', path: /^\/schedule-groups\/([^/]+)$/, action: 'DeleteScheduleGroup' },
  { service: 'scheduler', method: 'GET', path: /^\/schedule-groups\/?()$/, action: 'ListScheduleGroups' },
];

/**
 * The throttling error of a service, as AWS sends it (status, code), so the SDK classifies it as throttling and
 * retries with backoff: DynamoDB 400 `ThrottlingException`, EC2 503 `RequestLimitExceeded`, Lambda 429
 * `TooManyRequestsException`, EventBridge Scheduler 429 `ThrottlingException`, CloudWatch 400 `Throttling`,
 * STS 400 `Throttling`, others 400 `ThrottlingException`.
 */
export function throttlingError(service: string): { status: number; code: string } {
  switch (service) {
    case 'ec2':
      return { status: 503, code: 'RequestLimitExceeded' };
    case 'lambda':
      return { status: 429, code: 'TooManyRequestsException' };
    case 'scheduler':
      return { status: 429, code: 'ThrottlingException' };
    case 'monitoring':
    case 'sts':
      return { status: 400, code: 'Throttling' };
    default:
      return { status: 400, code: 'ThrottlingException' };
  }
}

const RESPONSE_BODY_LIMIT = 256 * 1024;

function matchesOne(value: string, pattern: string | readonly string[] | RegExp | undefined): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return value === pattern;
  if (pattern instanceof RegExp) return pattern.test(value);
  return (pattern as readonly string[]).includes(value);
}

/** Does `call` match `matcher`? */
export function callMatches(call: AwsCall, matcher: CallMatcher = {}): boolean {
  return (
    matchesOne(call.service, matcher.service) &&
    matchesOne(call.action, matcher.action) &&
    matchesOne(call.region, matcher.region) &&
    (matcher.method === undefined || call.method === matcher.method) &&
    (matcher.path === undefined ||
      (typeof matcher.path === 'string' ? call.path === matcher.path : matcher.path.test(call.path))) &&
    (matcher.where === undefined || matcher.where(call))
  );
}

/** The SigV4 credential scope of a request: `Credential=AKID/date/region/service/aws4_request`. */
function credentialScope(
  headers: IncomingHttpHeaders,
  query: Record<string, string>,
): { region: string; service: string } {
  const authorization = typeof headers.authorization === 'string' ? headers.authorization : '';
  const scope = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization)?.slice(1) ??
    query['X-Amz-Credential']?.split('/').slice(2, 4) ?? ['unknown', 'unknown'];
  return { region: scope[0] ?? 'unknown', service: scope[1] ?? 'unknown' };
}

function formParameters(headers: IncomingHttpHeaders, body: string): Record<string, string> {
  const type = String(headers['content-type'] ?? '');
  if (!type.includes('application/x-www-form-urlencoded')) return {};
  return Object.fromEntries(new URLSearchParams(body).entries());
}

/** Operation name and REST resource of a request. */
function identify(
  service: string,
  method: string,
  path: string,
  query: Record<string, string>,
  headers: IncomingHttpHeaders,
  body: string,
): { action: string; resource?: string } {
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) return { action: target.slice(target.lastIndexOf('.') + 1) };
  const form = formParameters(headers, body);
  if (form.Action) return { action: form.Action };
  if (query.Action) return { action: query.Action };
  for (const route of REST_ACTIONS) {
    if (route.service !== service || route.method !== method) continue;
    const match = route.path.exec(path);
    if (match) return { action: route.action, ...(match[1] ? { resource: decodeURIComponent(match[1]) } : {}) };
  }
  return { action: `${method} ${path}` };
}

/** The wire format of an error for the protocol of `call`. */
function errorResponse(
  call: AwsCall,
  status: number,
  code: string,
  message: string,
): { status: number; headers: Record<string, string>; body: string } {
  const requestId = randomUUID();
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (typeof call.headers['x-amz-target'] === 'string') {
    const contentType = String(call.headers['content-type'] ?? 'application/x-amz-json-1.0');
    return {
      status,
      headers: {
        'content-type': contentType,
        'x-amzn-requestid': requestId,
        'x-amzn-query-error': `${code};Sender`,
      },
      body: JSON.stringify({ __type: code, message }),
    };
  }
  if (call.service === 'ec2') {
    return {
      status,
      headers: { 'content-type': 'text/xml;charset=UTF-8' },
      body:
        `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${xml(code)}</Code>` +
        `<Message>${xml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    };
  }
  if (formParameters(call.headers, call.body).Action || call.query.Action) {
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body:
        `<ErrorResponse><Error><Type>Sender</Type><Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  if (call.service === 's3') {
    return {
      status,
      headers: { 'content-type': 'application/xml' },
      body: `<Error><Code>${xml(code)}</Code><Message>${xml(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
    };
  }
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ message, Message: message, Type: 'User' }),
  };
}

/**
 * The caller's clock now: its `X-Amz-Date` (SigV4, `yyyymmddThhmmssZ`) plus the time since the request arrived.
 * Deployed bundles run on a simulated clock while moto dates its answers in real time; the SDK takes a `Date` more
 * than 5 minutes off its own clock as clock skew, marks the error `clockSkewCorrected` and retries it as transient
 * (so even a 404 would be retried). Answering in the caller's clock keeps retries as they are against AWS.
 */
function callerClock(call: AwsCall): Date | undefined {
  const stamp = call.headers['x-amz-date'];
  const match = typeof stamp === 'string' ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp) : null;
  if (!match) return undefined;
  const [, y, mo, da, h, mi, se] = match.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, da, h, mi, se) + (Date.now() - call.receivedAtMs));
}

interface ActiveRule {
  readonly rule: FaultRule;
  matched: number;
  fired: number;
  removed: boolean;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Start a proxy on 127.0.0.1 (free port) forwarding to `target` (the moto endpoint). Close it when done.
 */
export async function startAwsProxy(options: { readonly target: string }): Promise<AwsProxy> {
  const target = new URL(options.target);
  const calls: AwsCall[] = [];
  const rules: ActiveRule[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();
  let seq = 0;

  const forward = (
    call: AwsCall,
    rawUrl: string,
    raw: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...call.headers, host: target.host };
      const upstream = httpRequest(
        { hostname: target.hostname, port: target.port, method: call.method, path: rawUrl, headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }),
          );
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(raw);
    });

  const answer = (
    res: ServerResponse,
    call: AwsCall,
    status: number,
    headers: IncomingHttpHeaders | Record<string, string>,
    body: Buffer | string,
  ) => {
    call.status = status;
    const text = typeof body === 'string' ? body : body.toString('utf8');
    call.responseBody = text.slice(0, RESPONSE_BODY_LIMIT);
    const out: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(headers)) {
      if (value === undefined || key === 'transfer-encoding' || key === 'connection') continue;
      out[key] = value as string | string[];
    }
    out['content-length'] = String(Buffer.byteLength(body));
    const callerNow = callerClock(call);
    if (callerNow) out.date = callerNow.toUTCString();
    res.writeHead(status, out);
    res.end(body);
  };

  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req).catch(() => undefined);
    if (!raw) return;
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams.entries());
    const method = req.method ?? 'GET';
    const body = raw.toString('utf8');
    const { region, service } = credentialScope(req.headers, query);
    const { action, resource } = identify(service, method, url.pathname, query, req.headers, body);
    seq += 1;
    const call: AwsCall = {
      seq,
      method,
      path: url.pathname,
      query,
      service,
      region,
      action,
      ...(resource !== undefined ? { resource } : {}),
      headers: req.headers,
      body,
      receivedAtMs: Date.now(),
    };
    calls.push(call);

    let fault: AwsFault | undefined;
    for (const active of rules) {
      if (active.removed || !callMatches(call, active.rule.match)) continue;
      active.matched += 1;
      if (active.matched <= (active.rule.skip ?? 0)) continue;
      if (active.fired >= (active.rule.times ?? Number.POSITIVE_INFINITY)) continue;
      active.fired += 1;
      fault = active.rule.fault;
      break;
    }

    try {
      if (!fault) {
        const response = await forward(call, rawUrl, raw);
        answer(res, call, response.status, response.headers, response.body);
        return;
      }
      switch (fault.kind) {
        case 'reset':
          call.fault = 'reset';
          req.socket.destroy();
          return;
        case 'reset-after-forward':
          call.fault = 'reset-after-forward';
          await forward(call, rawUrl, raw);
          req.socket.destroy();
          return;
        case 'throttle': {
          const { status, code } = throttlingError(service);
          call.fault = 'throttle';
          const error = errorResponse(call, status, code, 'Rate exceeded (injected by the integration proxy)');
          answer(res, call, error.status, error.headers, error.body);
          return;
        }
        case 'unavailable': {
          call.fault = 'unavailable';
          const error = errorResponse(
            call,
            503,
            'ServiceUnavailable',
            'Service unavailable (injected by the integration proxy)',
          );
          answer(res, call, error.status, error.headers, error.body);
          return;
        }
        case 'error': {
          call.fault = `error ${fault.code}`;
          const error = errorResponse(
            call,
            fault.status ?? 400,
            fault.code,
            fault.message ?? `${fault.code} (injected by the integration proxy)`,
          );
          answer(res, call, error.status, error.headers, error.body);
          return;
        }
        case 'hang':
          call.fault = 'hang';
          return;
        case 'delay': {
          call.fault = `delay ${fault.ms} ms`;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              pendingTimers.delete(timer);
              resolve();
            }, fault.ms);
            pendingTimers.add(timer);
          });
          if (res.destroyed) return;
          const response = await forward(call, rawUrl, raw);
          answer(res, call, response.status, response.headers, response.body);
          return;
        }
        case 'respond':
          call.fault = `respond ${fault.status}`;
          answer(res, call, fault.status, { 'content-type': 'application/json', ...fault.headers }, fault.body ?? '');
          return;
        case 'answer': {
          const computed = fault.respond(call);
          call.fault = `answer ${computed.status}`;
          answer(
            res,
            call,
            computed.status,
            { 'content-type': 'application/json', ...computed.headers },
            computed.body ?? '',
          );
          return;
        }
      }
    } catch (error) {
      // moto unreachable or the client went away: answer like a failing gateway.
      if (!res.headersSent && !res.destroyed) {
        answer(res, call, 502, { 'content-type': 'text/plain' }, `integration proxy: ${(error as Error).message}`);
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    target: options.target,
    calls,
    find: (matcher) => calls.filter((call) => callMatches(call, matcher)),
    inject: (rule) => {
      const active: ActiveRule = { rule, matched: 0, fired: 0, removed: false };
      rules.push(active);
      return {
        get matched() {
          return active.matched;
        },
        get fired() {
          return active.fired;
        },
        remove: () => {
          active.removed = true;
        },
      };
    },
    clearFaults: () => {
      for (const active of rules) active.removed = true;
      rules.length = 0;
    },
    clearCalls: () => {
      calls.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        pendingTimers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The JSON body of a call (JSON and REST-JSON protocols). @throws {SyntaxError} when it is not JSON */
export function callJson<T = Record<string, unknown>>(call: AwsCall): T {
  return JSON.parse(call.body) as T;
}

/** Actions that only read. A call outside this set changes something (or tries to). */
export const READ_ONLY_ACTION = /^(Describe|Get|List|Query|Scan|BatchGet|Lookup|Search|Test|Head|Select)/;

/** The calls among `calls` whose action may change state (anything not {@link READ_ONLY_ACTION}). */
export function mutatingCalls(calls: readonly AwsCall[]): AwsCall[] {
  return calls.filter((call) => !READ_ONLY_ACTION.test(call.action));
}

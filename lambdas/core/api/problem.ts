/**
 * Problem details (RFC 9457) of the HTTP API (docs/api.md, "Errors"): every error the API answers is one of these,
 * with a `detail` a person can act on. Never a stack trace: unexpected errors become a 500 whose detail names only
 * the request id.
 */

/** Base of the `type` URIs of the API's problems (a page anchor of docs/api.md per type). */
export const PROBLEM_TYPE_BASE =
  'https://github.com/carbon-aware-scheduler/carbon-aware-scheduler/blob/main/docs/api.md#';

/** The kinds of problem the API answers, with their HTTP status and title. */
export const PROBLEMS = {
  'bad-request': { status: 400, title: 'Bad request' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'not-acceptable': { status: 406, title: 'Not acceptable' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'internal-error': { status: 500, title: 'Internal error' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
} as const;

export type ProblemKind = keyof typeof PROBLEMS;

/** One invalid field of a request: `query.from`, `body.job.kind`, `path.region`. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** The JSON body of a problem response (`application/problem+json`). */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The request path. */
  readonly instance?: string;
  /** API Gateway's request id, to find the request in the access log. */
  readonly requestId?: string;
  /** Each invalid field, for `bad-request`. */
  readonly errors?: readonly FieldProblem[];
}

/** A problem a route or the router raises; the router answers it as problem details. */
export class ApiProblem extends Error {
  readonly status: number;

  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly errors: readonly FieldProblem[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
    this.status = PROBLEMS[kind].status;
  }

  /** The body of this problem for a request to `instance`. */
  body(instance?: string, requestId?: string): ProblemBody {
    return problemBody(this.kind, this.detail, {
      ...(instance !== undefined ? { instance } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
      errors: this.errors,
    });
  }
}

/** A problem body of `kind`. */
export function problemBody(
  kind: ProblemKind,
  detail: string,
  extra: { instance?: string; requestId?: string; errors?: readonly FieldProblem[] } = {},
): ProblemBody {
  const { status, title } = PROBLEMS[kind];
  return {
    type: `${PROBLEM_TYPE_BASE}${kind}`,
    title,
    status,
    detail,
    ...(extra.instance !== undefined ? { instance: extra.instance } : {}),
    ...(extra.requestId !== undefined ? { requestId: extra.requestId } : {}),
    ...(extra.errors && extra.errors.length > 0 ? { errors: extra.errors } : {}),
  };
}

/** 404 naming what was not found, e.g. `notFound('instance', 'i-0abc')`. */
export const notFound = (what: string, id: string, hint = ''): ApiProblem =>
  new ApiProblem('not-found', `${what} ${JSON.stringify(id)} was not found${hint ? `; ${hint}` : ''}`);

/** 400 for one field. */
export const badField = (field: string, message: string): ApiProblem =>
  new ApiProblem('bad-request', `${field}: ${message}`, [{ field, message }]);

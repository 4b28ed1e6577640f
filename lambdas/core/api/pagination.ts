import { ApiProblem } from './problem';

/**
 * Opaque pagination tokens of list routes (docs/api.md, "Pagination"): base64url of `{"v":1,"after":"<key>"}`, the
 * sort key of the last item of the previous page. Lists are sorted by that key, so a token stays valid while items
 * are added or removed (an item added before the cursor is simply not seen on later pages).
 */

const VERSION = 1;

/** The token that continues after the item whose sort key is `after`. */
export function encodePageToken(after: string): string {
  return Buffer.from(JSON.stringify({ v: VERSION, after }), 'utf8').toString('base64url');
}

/**
 * The sort key a token continues after.
 * @throws {ApiProblem} (400, field `query.nextToken`) when the token is not one this API issued
 */
export function decodePageToken(token: string): string {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const value = parsed as { v?: unknown; after?: unknown } | undefined;
  if (!value || value.v !== VERSION || typeof value.after !== 'string') {
    throw new ApiProblem(
      'bad-request',
      'query.nextToken: not a token returned by this API; omit it for the first page',
      [{ field: 'query.nextToken', message: 'not a token returned by this API' }],
    );
  }
  return value.after;
}

/** One page of `items` (sorted by `keyOf`, ascending) after the token's key, and the token of the next page. */
export function page<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  limit: number,
  token: string | undefined,
): { items: T[]; nextToken?: string } {
  const after = token === undefined ? undefined : decodePageToken(token);
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((item) => keyOf(item) > after);
  const taken = rest.slice(0, limit);
  const last = taken[taken.length - 1];
  return rest.length > limit && last !== undefined
    ? { items: taken, nextToken: encodePageToken(keyOf(last)) }
    : { items: taken };
}

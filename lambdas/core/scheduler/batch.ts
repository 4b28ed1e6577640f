/**
 * Batched EC2 actions with a bisecting retry (as Instance Scheduler on AWS does): ids go out in calls of at most
 * `maxPerCall`; when a call with several ids fails, it is split in halves and each half is retried, recursively,
 * until the failing instances are isolated. Errors that concern the whole region (throttling that outlived the
 * SDK's adaptive retries, an outage, bad credentials) are not bisected: every id of the call fails with them.
 */

/** Largest number of instance ids sent in one StartInstances/StopInstances call. */
export const MAX_IDS_PER_CALL = 1000;

/** Error codes that say nothing about individual instances; bisecting would only multiply failing calls. */
export const REGION_WIDE_ERROR_CODES: ReadonlySet<string> = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ServiceUnavailable',
  'Unavailable',
  'InternalError',
  'InternalFailure',
  'AuthFailure',
  'InvalidClientTokenId',
  'ExpiredToken',
  'SignatureDoesNotMatch',
  'OptInRequired',
  'TimeoutError',
  'NetworkingError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
]);

/** A failure of one instance in a batch: the AWS error code (e.g. `InsufficientInstanceCapacity`) and message. */
export interface ActionFailure {
  readonly code: string;
  readonly message: string;
}

/** Outcome of a batched action. */
export interface BatchOutcome {
  readonly succeeded: string[];
  readonly failed: Map<string, ActionFailure>;
  /** Number of API calls made, including the bisecting retries. */
  readonly calls: number;
  /**
   * Ids never sent: `proceed` said stop before their call (the run deadline), or the fleet sent part of a call and
   * carried the rest to the next tick (EC2's request rate, {@link PartlySentError}).
   */
  readonly skipped: string[];
  /** Why ids were carried by the fleet, when they were (otherwise the run deadline is the reason). */
  readonly carriedReason?: string;
}

/**
 * What a fleet throws when it sent only part of a call and carries the rest to the next tick (the EC2 adapter's
 * pacing to the request-rate limits): the ids it did send and those it did not. Recognised by shape, so the core
 * needs no adapter import.
 */
export interface PartlySentError {
  readonly done: readonly string[];
  readonly carried: readonly string[];
  readonly message: string;
}

function isPartlySent(error: unknown): error is PartlySentError {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { done?: unknown; carried?: unknown };
  return Array.isArray(e.done) && Array.isArray(e.carried);
}

/** The AWS error code of a thrown error (SDK v3 puts it in `name`; some errors carry `code` or `Code`). */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { Code?: unknown; code?: unknown; name?: unknown };
    for (const candidate of [e.Code, e.code, e.name]) {
      if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') return candidate;
    }
  }
  return 'UnknownError';
}

/** A one-line message of a thrown error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Run `call` over `ids` in chunks of at most `maxPerCall`, bisecting failed chunks. `proceed` is asked before each
 * chunk (not before the bisecting retries of a chunk already sent); when it says no, the chunk and the rest are
 * `skipped`. Never throws: every id ends in `succeeded`, `failed` or `skipped`.
 */
export async function runBatched(
  ids: readonly string[],
  call: (ids: string[]) => Promise<void>,
  maxPerCall: number = MAX_IDS_PER_CALL,
  proceed: () => boolean = () => true,
): Promise<BatchOutcome> {
  const skipped: string[] = [];
  const succeeded: string[] = [];
  const failed = new Map<string, ActionFailure>();
  let calls = 0;
  let carriedReason: string | undefined;

  const attempt = async (chunk: string[]): Promise<void> => {
    calls += 1;
    try {
      await call(chunk);
      succeeded.push(...chunk);
    } catch (error) {
      if (isPartlySent(error)) {
        // Sent ids took effect; the rest waits for the next tick (never bisected: the limit is the region's).
        const inChunk = new Set(chunk);
        succeeded.push(...error.done.filter((id) => inChunk.has(id)));
        skipped.push(...error.carried.filter((id) => inChunk.has(id)));
        carriedReason = error.message;
        return;
      }
      const failure = { code: errorCode(error), message: errorMessage(error) };
      if (chunk.length === 1 || REGION_WIDE_ERROR_CODES.has(failure.code)) {
        for (const id of chunk) failed.set(id, failure);
        return;
      }
      const half = Math.ceil(chunk.length / 2);
      await attempt(chunk.slice(0, half));
      await attempt(chunk.slice(half));
    }
  };

  for (let i = 0; i < ids.length; i += maxPerCall) {
    // After the deadline, or once the fleet carried ids for its request rate, the rest waits for the next tick.
    if (!proceed() || carriedReason !== undefined) {
      skipped.push(...ids.slice(i));
      break;
    }
    await attempt(ids.slice(i, i + maxPerCall));
  }
  return { succeeded, failed, calls, skipped, ...(carriedReason !== undefined ? { carriedReason } : {}) };
}

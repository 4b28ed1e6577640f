import type { JobResult } from './job-definition';

/**
 * Largest result summary reported home, bytes of JSON. EventBridge accepts entries up to 256 KB; a summary is
 * meant to be a few fields, so anything larger is cut to a preview rather than risk the completion report.
 */
export const MAX_RESULT_BYTES = 8192;
/** Characters of JSON kept in the preview of a summary that was too large. */
export const RESULT_PREVIEW_CHARS = 1024;

const encoder = new TextEncoder();

/**
 * A JSON-safe, bounded version of what a job returned: a plain object is kept as is when its JSON fits in
 * `maxBytes`; any other value is wrapped as `{ value }`; too large becomes `{ truncated: true, bytes, preview }`;
 * not serialisable (a cycle, a BigInt) becomes `{ unserialisable: reason }`. Never throws.
 */
export function summariseResult(result: unknown, maxBytes: number = MAX_RESULT_BYTES): JobResult {
  const wrapped: unknown =
    typeof result === 'object' && result !== null && !Array.isArray(result) ? result : { value: result ?? null };
  let json: string;
  try {
    json = JSON.stringify(wrapped);
  } catch (error) {
    return { unserialisable: error instanceof Error ? error.message : String(error) };
  }
  const bytes = encoder.encode(json).length;
  if (bytes > maxBytes) return { truncated: true, bytes, preview: json.slice(0, RESULT_PREVIEW_CHARS) };
  return JSON.parse(json) as JobResult;
}

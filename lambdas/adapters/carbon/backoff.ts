/**
 * Delay before retry `attempt` (0 for the first retry) with exponential backoff and full jitter:
 * a uniformly random delay in [0, min(capMs, baseMs × 2^attempt)) ("Exponential Backoff And Jitter",
 * AWS Architecture Blog, 2015).
 *
 * @param random a source of numbers in [0, 1) (Math.random in production, fixed in tests)
 * @returns milliseconds, a whole number ≥ 0
 */
export function fullJitterDelayMs(attempt: number, random: () => number, baseMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Parse an HTTP `Retry-After` header (RFC 9110 section 10.2.3): either delay-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`).
 *
 * @param now the clock the HTTP-date is compared with
 * @returns the wait in milliseconds (a past date gives 0), or undefined when the header is absent or unreadable
 */
export function parseRetryAfterMs(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date starts with the day name (IMF-fixdate, RFC 850 and asctime forms alike).
  if (!/^[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

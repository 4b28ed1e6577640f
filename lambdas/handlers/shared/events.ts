import * as z from 'zod';

/**
 * Fields every Lambda event accepts (SPEC section 7): `dryRun` plans without changing anything, `at` evaluates
 * as of an ISO-8601 time instead of now. EventBridge scheduled events carry neither and parse to the defaults.
 */
export const baseEventSchema = z.object({
  dryRun: z.boolean().optional(),
  at: z.iso
    .datetime({ offset: true, error: 'at must be an ISO-8601 date-time such as 2026-11-21T08:00:00Z' })
    .optional(),
});

/** A readable one-line summary of a zod error: `field: message; field: message`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ');
}

/** The event was malformed; the handler returns it as a clear error and does nothing. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(`Invalid event: ${message}`);
    this.name = 'InvalidEventError';
  }
}

/**
 * Parse `event` with `schema`.
 * @throws {InvalidEventError} naming each bad field
 */
export function parseEvent<T extends z.ZodType>(schema: T, event: unknown): z.output<T> {
  const result = schema.safeParse(event ?? {});
  if (!result.success) throw new InvalidEventError(describeZodError(result.error));
  return result.data;
}

import { ApiError, SustainabilityApiClient } from '../../client';
import { defaultCredentials } from '../../client/credentials';
import { type CliContext, CliError, EXIT } from '../context';
import type { Common } from '../options';

/**
 * `--api URL` (docs/api.md, "The CLI"): the read commands that support it (`report`, `regions`, `status`) ask the
 * deployed HTTP API instead of DynamoDB or the carbon providers, signed with the caller's AWS credentials.
 */

const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/**
 * The client of `--api URL`. The signing region is the URL's (`<id>.execute-api.<region>.amazonaws.com`), else
 * `--region`/`AWS_REGION`. Credentials: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` of the environment, else the
 * SDK's default chain (with `--profile`).
 * @throws {CliError} (usage) when no region can be known
 */
export function apiClient(ctx: CliContext, opts: Common & { api: string }): SustainabilityApiClient {
  const url = new URL(opts.api);
  const region = EXECUTE_API_HOST.exec(url.hostname)?.[1] ?? opts.region;
  if (!region) {
    throw new CliError(`--api ${opts.api}: give --region (the API's home region) for a custom domain`, EXIT.usage);
  }
  const key = ctx.env.AWS_ACCESS_KEY_ID;
  const secret = ctx.env.AWS_SECRET_ACCESS_KEY;
  const credentials =
    key && secret
      ? {
          accessKeyId: key,
          secretAccessKey: secret,
          ...(ctx.env.AWS_SESSION_TOKEN ? { sessionToken: ctx.env.AWS_SESSION_TOKEN } : {}),
        }
      : defaultCredentials({ region, ...(opts.profile ? { profile: opts.profile } : {}) });
  return new SustainabilityApiClient({ baseUrl: opts.api, region, credentials });
}

/** An API failure as a CLI error: the problem's detail, exit 1. */
export function describeApiError(error: unknown): unknown {
  if (error instanceof ApiError) return new CliError(`the API answered: ${error.message}`, EXIT.failure);
  if (error instanceof TypeError && /fetch failed/.test(error.message)) {
    return new CliError(
      `the API could not be reached: ${(error.cause as Error | undefined)?.message ?? error.message}`,
      EXIT.failure,
    );
  }
  return error;
}

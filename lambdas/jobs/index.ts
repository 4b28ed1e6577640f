import type { AnyJobDefinition } from '../core/jobs/job-definition';
import { reportLocationJob } from '../core/jobs/report-location';

/**
 * The job handlers the worker Lambda can run, by `kind`. To plug in your own job:
 * 1. write `lambdas/jobs/<your-kind>.ts` exporting `defineJob({ kind, description, schema?, run })`
 *    (it may use any AWS SDK client or HTTP call the worker's role allows);
 * 2. import it here and add it to this list;
 * 3. `cdk deploy`: esbuild bundles every listed job into the worker of each region (static imports only, so the
 *    bundle is complete and nothing is loaded at run time).
 * Jobs with an unknown `kind` are reported home with outcome `error`, naming the registered kinds.
 */
export const registeredJobs: readonly AnyJobDefinition[] = [reportLocationJob];

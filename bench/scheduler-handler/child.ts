/**
 * One scheduler container, in its own process (bench/scheduler-handler.bench.ts starts it): the real handler
 * (`createSchedulerHandler` with `schedulerWiringFromEnvironment`), the real EC2 and DynamoDB adapters and SDK over
 * HTTP (the EC2 XML fake and dynalite of the parent), stdout counted and discarded. Reports per run the wall time,
 * this process's CPU time, and at the end its own peak RSS and heap, to the parent over IPC.
 */
import { dirname } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../lambdas/adapters/dynamodb/table';
import { Ec2Fleet, ec2ClientFactory } from '../../lambdas/adapters/ec2/fleet';
import { LAMBDA_TASK_ROOT_ENV, TABLE_NAME_ENV } from '../../lambdas/contract';
import { snapshotPriceBook } from '../../lambdas/core/accounting/price-book';
import { resolveConfig } from '../../lambdas/core/config/resolve';
import { createSchedulerHandler, schedulerWiringFromEnvironment } from '../../lambdas/handlers/scheduler';
import { writeFunctionConfig } from '../../lib/function-config';
import { fakeCarbonLookup } from '../fake-carbon';

const input = JSON.parse(process.argv[2]!) as {
  ec2Endpoint: string;
  dynamoEndpoint: string;
  tableName: string;
  regions: string[];
  times: string[];
};
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const configInput = { homeRegion: 'eu-central-1', managedRegions: input.regions, workerRegions: ['eu-north-1'] };
const config = resolveConfig(configInput);
let stdoutBytes = 0;
process.stdout.write = ((chunk: string | Uint8Array) => {
  stdoutBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  return true;
}) as typeof process.stdout.write;
void DynamoDBClient;
let at = input.times[0]!;
const handler = createSchedulerHandler(
  schedulerWiringFromEnvironment(
    { [LAMBDA_TASK_ROOT_ENV]: dirname(writeFunctionConfig(config)), [TABLE_NAME_ENV]: input.tableName },
    {
      doc: documentClient({ endpoint: input.dynamoEndpoint, region: 'eu-central-1', credentials }),
      clock: () => new Date(at),
      telemetry: {
        logger: new Logger({ serviceName: 'scheduler', logLevel: 'INFO' }),
        metrics: new Metrics({ namespace: 'CarbonAwareScheduler', serviceName: 'scheduler' }),
      },
      ports: () => ({
        fleet: new Ec2Fleet(ec2ClientFactory({ endpoint: input.ec2Endpoint, credentials, maxAttempts: 1 })),
        carbon: fakeCarbonLookup(
          config.thresholdFor,
          (now, index) => now.getUTCHours() >= 11 && now.getUTCHours() < 15 && index % 2 === 0,
          async () => undefined,
        ),
        forecast: undefined,
        prices: snapshotPriceBook(),
        prefetchPrices: undefined,
        rightsizing: undefined,
      }),
    },
  ),
);
const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;
const runs: { at: string; wallMs: number; cpuMs: number; logBytes: number; started: number; stopped: number }[] = [];
let peakHeapMiB = 0;
for (const time of input.times) {
  at = time;
  const cpu = process.cpuUsage();
  const before = stdoutBytes;
  const started = performance.now();
  const result = await handler({}, { awsRequestId: `bench-${time}`, getRemainingTimeInMillis: () => 300_000 });
  const wallMs = performance.now() - started;
  if (process.env.BENCH_DEBUG) process.stderr.write(`${JSON.stringify((result as { errors?: unknown }).errors)}\n`);
  const used = process.cpuUsage(cpu);
  peakHeapMiB = Math.max(peakHeapMiB, process.memoryUsage().heapUsed / 2 ** 20);
  runs.push({
    at: time,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    logBytes: stdoutBytes - before,
    started: result.totals.start,
    stopped: result.totals.stop,
  });
}
process.send?.({ runs, peakRssMiB: process.resourceUsage().maxRSS / 1024, baselineRssMiB, peakHeapMiB });

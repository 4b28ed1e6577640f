import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { clientConfig, type Deployment } from './deployment';
import { deployment } from './fixture';

/**
 * Utilisation metrics put into moto's CloudWatch the way EC2 and the CloudWatch agent publish them:
 * `AWS/EC2 CPUUtilization` and `CWAgent mem_used_percent`, both with the single dimension `InstanceId`, percent.
 * moto computes `Maximum` and `Average` over these samples (not percentiles), per GetMetricData period.
 */

/** One sample of an instance: when, CPU percent, and (when the agent runs) memory used percent. */
export interface UtilisationSample {
  readonly at: Date;
  readonly cpuPercent: number;
  readonly memoryUsedPercent?: number;
}

/** Samples at the given UTC hours of each day, with CPU (and memory) values chosen per day and hour. */
export function hourlySamples(options: {
  /** UTC days, `YYYY-MM-DD`. */
  readonly days: readonly string[];
  /** UTC hours of each day with a sample (the hours the instance runs). */
  readonly hoursUtc: readonly number[];
  readonly cpuPercent: (day: string, hour: number, index: number) => number;
  readonly memoryUsedPercent?: (day: string, hour: number, index: number) => number;
}): UtilisationSample[] {
  const samples: UtilisationSample[] = [];
  for (const day of options.days) {
    options.hoursUtc.forEach((hour, index) => {
      const at = new Date(`${day}T${String(hour).padStart(2, '0')}:10:00Z`);
      samples.push({
        at,
        cpuPercent: options.cpuPercent(day, hour, index),
        ...(options.memoryUsedPercent ? { memoryUsedPercent: options.memoryUsedPercent(day, hour, index) } : {}),
      });
    });
  }
  return samples;
}

/** UTC days from `first` to `last` inclusive (`YYYY-MM-DD`), optionally only some weekdays (0 = Monday). */
export function utcDays(first: string, last: string, weekdays?: readonly number[]): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    const date = new Date(t);
    const weekday = (date.getUTCDay() + 6) % 7;
    if (!weekdays || weekdays.includes(weekday)) days.push(date.toISOString().slice(0, 10));
  }
  return days;
}

/** Put the samples of `instanceId` into moto's CloudWatch in `region` (batches of 500 data points). */
export async function putUtilisation(
  region: string,
  instanceId: string,
  samples: readonly UtilisationSample[],
  d: Deployment = deployment(),
): Promise<void> {
  // The SDK gzips large PutMetricData bodies; moto then fails to read them ("Not a gzipped file").
  const client = new CloudWatchClient({
    ...clientConfig(d.endpoint, d.account, region),
    disableRequestCompression: true,
  });
  const dimensions = [{ Name: 'InstanceId', Value: instanceId }];
  const cpu: MetricDatum[] = samples.map((s) => ({
    MetricName: 'CPUUtilization',
    Dimensions: dimensions,
    Timestamp: s.at,
    Value: s.cpuPercent,
    Unit: 'Percent',
  }));
  const memory: MetricDatum[] = samples.flatMap((s) =>
    s.memoryUsedPercent === undefined
      ? []
      : [
          {
            MetricName: 'mem_used_percent',
            Dimensions: dimensions,
            Timestamp: s.at,
            Value: s.memoryUsedPercent,
            Unit: 'Percent',
          },
        ],
  );
  for (const [namespace, data] of [
    ['AWS/EC2', cpu],
    ['CWAgent', memory],
  ] as const) {
    for (let i = 0; i < data.length; i += 500) {
      await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + 500) }));
    }
  }
}

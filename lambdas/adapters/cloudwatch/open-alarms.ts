import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { OpenAlarm } from '../../core/api/ports';

/** DescribeAlarms accepts at most 100 names per request. */
const NAMES_PER_REQUEST = 100;

/**
 * The product's alarms that are in ALARM now: DescribeAlarms of the alarm names the CDK app passes (the
 * observability construct's alarms), so the caller's role needs cloudwatch:DescribeAlarms on those alarms only.
 */
export function cloudWatchOpenAlarms(
  client: CloudWatchClient,
  alarmNames: readonly string[],
): () => Promise<OpenAlarm[]> {
  return async () => {
    const open: OpenAlarm[] = [];
    for (let i = 0; i < alarmNames.length; i += NAMES_PER_REQUEST) {
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new DescribeAlarmsCommand({
            AlarmNames: alarmNames.slice(i, i + NAMES_PER_REQUEST),
            StateValue: 'ALARM',
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          open.push({
            name: alarm.AlarmName ?? '(unnamed)',
            state: alarm.StateValue ?? 'ALARM',
            reason: alarm.StateReason ?? '',
            since: alarm.StateUpdatedTimestamp ? alarm.StateUpdatedTimestamp.toISOString() : null,
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return open;
  };
}

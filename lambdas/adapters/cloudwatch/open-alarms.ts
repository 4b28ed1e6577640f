import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { OpenAlarm } from '../../core/api/ports';

/**
 * The product's alarms that are in ALARM now: DescribeAlarms of the alarms whose names start with `alarmNamePrefix`
 * (the control-plane stack's alarms), paged, so the caller's role needs cloudwatch:DescribeAlarms on those alarms
 * only (`arn:…:alarm:<prefix>*`).
 */
export function cloudWatchOpenAlarms(client: CloudWatchClient, alarmNamePrefix: string): () => Promise<OpenAlarm[]> {
  return async () => {
    const open: OpenAlarm[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: alarmNamePrefix,
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
    return open;
  };
}

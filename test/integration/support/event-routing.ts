import { randomUUID } from 'node:crypto';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { JOB_EVENT_BUS_NAME } from '../../../lambdas/contract';
import { clientConfig, type Deployment } from './deployment';
import { controlPlane, deployment } from './fixture';

/**
 * Routing EventBridge events by the deployed rules, with moto's own event-pattern engine.
 *
 * moto cannot deliver to Lambda targets: a PutEvents whose event matches a rule with a Lambda target fails with
 * HTTP 500 (`NotImplementedError` in moto 5.2's `Rule.send_to_targets`), and its `TestEventPattern` is not
 * implemented (it answers without a result). So a test (1) lets the {@link AwsProxy} answer the product's
 * PutEvents as EventBridge would and records the entries, then (2) puts each recorded entry on a *mirror*: a
 * custom bus in moto holding a rule with exactly the deployed rule's `EventPattern` and an SQS queue as target.
 * Whatever moto delivers to the queue matched the deployed pattern; it arrives as the event envelope EventBridge
 * hands to targets (`version`, `id`, `detail-type`, `source`, `time`, `region`, `resources`, `detail`; moto
 * leaves out `account`, which {@link MirrorRule.route} adds), ready to be passed to the target function in-process.
 */

/** An EventBridge event as delivered to a target. */
export interface DeliveredEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

/** A mirror of one deployed rule. */
export interface MirrorRule {
  /** The deployed rule's name and pattern. */
  readonly ruleName: string;
  readonly eventPattern: string;
  /** Put `entry` on the mirror bus; the delivered event when it matches the deployed pattern, else undefined. */
  route(entry: PutEventsRequestEntry): Promise<DeliveredEvent | undefined>;
  close(): Promise<void>;
}

/**
 * A minimal SQS client for moto over the AWS JSON 1.0 protocol (the project has no SQS SDK client; moto does not
 * check signatures, so the credential scope only selects the region).
 */
async function sqs<T = Record<string, unknown>>(
  d: Deployment,
  region: string,
  action: string,
  body: Record<string, unknown>,
): Promise<T> {
  const date = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const response = await fetch(`${d.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${d.account.accessKeyId}/${date}/${region}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`SQS ${action} failed: HTTP ${response.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** The physical name of the deployed rule whose logical id starts with `logicalIdPrefix` in the control plane. */
export function deployedRuleName(logicalIdPrefix: string, d: Deployment = deployment()): string {
  const stack = controlPlane(d);
  const ids = Object.entries(stack.template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Events::Rule' && id.startsWith(logicalIdPrefix))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`${logicalIdPrefix}: expected one rule, found ${ids.join(', ') || 'none'}`);
  const physical = stack.resources[ids[0]!];
  if (!physical) throw new Error(`${ids[0]} was not created`);
  // CloudFormation's physical id of AWS::Events::Rule is the rule name (moto may return the ARN).
  return physical.includes(':rule/') ? physical.slice(physical.lastIndexOf('/') + 1) : physical;
}

/** A mirror of the deployed rule `ruleLogicalIdPrefix` (e.g. `JobCompletedRule`) of the control plane. */
export async function mirrorDeployedRule(
  ruleLogicalIdPrefix: string,
  d: Deployment = deployment(),
): Promise<MirrorRule> {
  const region = controlPlane(d).region;
  const events = new EventBridgeClient(clientConfig(d.endpoint, d.account, region));
  const ruleName = deployedRuleName(ruleLogicalIdPrefix, d);
  // The job rules live on the job bus, not the default bus.
  const described = await events.send(new DescribeRuleCommand({ Name: ruleName, EventBusName: JOB_EVENT_BUS_NAME }));
  const eventPattern = described.EventPattern;
  if (!eventPattern) throw new Error(`rule ${ruleName} has no EventPattern`);
  const suffix = randomUUID().slice(0, 8);
  const busName = `integration-mirror-${suffix}`;
  const mirrorRule = `mirror-${suffix}`;
  await events.send(new CreateEventBusCommand({ Name: busName }));
  const { QueueUrl: queueUrl } = await sqs<{ QueueUrl: string }>(d, region, 'CreateQueue', {
    QueueName: `integration-mirror-${suffix}`,
  });
  const attributes = await sqs<{ Attributes: { QueueArn: string } }>(d, region, 'GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['QueueArn'],
  });
  await events.send(new PutRuleCommand({ Name: mirrorRule, EventBusName: busName, EventPattern: eventPattern }));
  await events.send(
    new PutTargetsCommand({
      Rule: mirrorRule,
      EventBusName: busName,
      Targets: [{ Id: 'queue', Arn: attributes.Attributes.QueueArn }],
    }),
  );
  return {
    ruleName,
    eventPattern,
    route: async (entry) => {
      const put = await events.send(new PutEventsCommand({ Entries: [{ ...entry, EventBusName: busName }] }));
      if ((put.FailedEntryCount ?? 0) > 0) throw new Error(`mirror PutEvents failed: ${JSON.stringify(put.Entries)}`);
      const received = await sqs<{ Messages?: { Body: string; ReceiptHandle: string }[] }>(
        d,
        region,
        'ReceiveMessage',
        { QueueUrl: queueUrl, MaxNumberOfMessages: 10 },
      );
      const messages = received.Messages ?? [];
      for (const message of messages) {
        await sqs(d, region, 'DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle });
      }
      if (messages.length > 1) throw new Error(`mirror delivered ${messages.length} events for one entry`);
      if (messages.length === 0) return undefined;
      const delivered = JSON.parse(messages[0]!.Body) as Omit<DeliveredEvent, 'account'>;
      return { ...delivered, account: d.account.accountId };
    },
    close: async () => {
      await events.send(new RemoveTargetsCommand({ Rule: mirrorRule, EventBusName: busName, Ids: ['queue'] }));
      await events.send(new DeleteRuleCommand({ Name: mirrorRule, EventBusName: busName }));
      await events.send(new DeleteEventBusCommand({ Name: busName }));
      await sqs(d, region, 'DeleteQueue', { QueueUrl: queueUrl });
    },
  };
}

/** A PutEvents success answer for the JSON body of a recorded PutEvents call (one EventId per entry). */
export function putEventsAccepted(body: string): string {
  const entries = (JSON.parse(body) as { Entries?: unknown[] }).Entries ?? [];
  return JSON.stringify({ FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) });
}

/**
 * The entries of a recorded PutEvents call in the SDK's input shape (`Time` as a Date; the JSON protocol sends
 * epoch seconds).
 */
export function putEventsEntries(body: string): PutEventsRequestEntry[] {
  const entries = (JSON.parse(body) as { Entries?: (Omit<PutEventsRequestEntry, 'Time'> & { Time?: number })[] })
    .Entries;
  return (entries ?? []).map(({ Time, ...rest }) => ({
    ...rest,
    ...(Time !== undefined ? { Time: new Date(Time * 1000) } : {}),
  }));
}

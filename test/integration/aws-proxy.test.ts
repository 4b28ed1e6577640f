import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateTagsCommand, DescribeInstancesCommand, DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, mutatingCalls, startAwsProxy } from './support/aws-proxy';
import { clientConfig } from './support/deployment';
import { deployment, launch, terminateAll } from './support/fixture';

// The recording, fault-injecting proxy (support/aws-proxy.ts) with the real SDK clients the product uses, against
// moto: the SDK must read the proxy's errors as the AWS errors they imitate (name, throttling retries).
describe('Integration: the AWS proxy in front of moto', () => {
  let proxy: AwsProxy;
  const d = deployment();
  const config = (region: string) => ({ ...clientConfig(d.endpoint, d.account, region), endpoint: proxy.url });

  beforeAll(async () => {
    proxy = await startAwsProxy({ target: d.endpoint });
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('records service, region and action of JSON, query, EC2 and REST calls, and forwards them to moto', async () => {
    proxy.clearCalls();
    await new DynamoDBClient(config('eu-central-1')).send(new ListTablesCommand({}));
    await new EC2Client(config('eu-west-1')).send(new DescribeInstancesCommand({}));
    await new CloudWatchClient(config('us-east-1')).send(new ListMetricsCommand({}));
    await new SchedulerClient(config('eu-central-1')).send(new ListSchedulesCommand({}));
    await new STSClient(config('us-east-1')).send(new GetCallerIdentityCommand({}));
    const worker = 'arn:aws:lambda:eu-north-1:123456789012:function:carbon-aware-scheduler-worker';
    const invoked = await new LambdaClient(config('eu-north-1')).send(
      new InvokeCommand({ FunctionName: worker, InvocationType: 'Event', Payload: Buffer.from('{"ping":1}') }),
    );
    expect(invoked.StatusCode).toBe(202);
    expect(proxy.calls.map((c) => [c.service, c.region, c.action, c.status])).toEqual([
      ['dynamodb', 'eu-central-1', 'ListTables', 200],
      ['ec2', 'eu-west-1', 'DescribeInstances', 200],
      ['monitoring', 'us-east-1', 'ListMetrics', 200],
      ['scheduler', 'eu-central-1', 'ListSchedules', 200],
      ['sts', 'us-east-1', 'GetCallerIdentity', 200],
      ['lambda', 'eu-north-1', 'Invoke', 202],
    ]);
    const invoke = proxy.find({ service: 'lambda', action: 'Invoke' })[0]!;
    expect(invoke.resource).toBe(worker);
    expect(invoke.headers['x-amz-invocation-type']).toBe('Event');
    expect(JSON.parse(invoke.body)).toEqual({ ping: 1 });
    expect(mutatingCalls(proxy.calls).map((c) => c.action)).toEqual(['Invoke']);
  });

  it('answers with each service own throttling error, which the SDK retries, for the first `times` calls', async () => {
    proxy.clearCalls();
    const once = proxy.inject({
      match: { service: 'dynamodb', action: 'ListTables' },
      fault: { kind: 'throttle' },
      times: 1,
    });
    await new DynamoDBClient(config('eu-central-1')).send(new ListTablesCommand({}));
    expect(once.fired).toBe(1);
    expect(proxy.calls.map((c) => [c.action, c.status, c.fault])).toEqual([
      ['ListTables', 400, 'throttle'],
      ['ListTables', 200, undefined],
    ]);
    once.remove();

    const expected: [string, () => Promise<unknown>, string][] = [
      [
        'dynamodb',
        () => new DynamoDBClient(config('eu-central-1')).send(new ListTablesCommand({})),
        'ThrottlingException',
      ],
      ['ec2', () => new EC2Client(config('eu-west-1')).send(new DescribeInstancesCommand({})), 'RequestLimitExceeded'],
      ['monitoring', () => new CloudWatchClient(config('us-east-1')).send(new ListMetricsCommand({})), 'Throttling'],
      [
        'scheduler',
        () => new SchedulerClient(config('eu-central-1')).send(new ListSchedulesCommand({})),
        'ThrottlingException',
      ],
      [
        'lambda',
        () =>
          new LambdaClient(config('eu-north-1')).send(
            new InvokeCommand({ FunctionName: 'carbon-aware-scheduler-worker', InvocationType: 'Event' }),
          ),
        'TooManyRequestsException',
      ],
      ['sts', () => new STSClient(config('us-east-1')).send(new GetCallerIdentityCommand({})), 'Throttling'],
    ];
    for (const [service, call, name] of expected) {
      proxy.clearCalls();
      const rule = proxy.inject({ match: { service }, fault: { kind: 'throttle' } });
      const error = (await call().catch((e: unknown) => e)) as Error & { $retryable?: { throttling?: boolean } };
      rule.remove();
      expect([service, error.name]).toEqual([service, name]);
      // clientConfig allows 2 attempts: the SDK retried the throttled call once.
      expect([service, proxy.calls.length]).toEqual([service, 2]);
    }
  });

  it('sends any AWS error code in the service protocol, and 503 ServiceUnavailable', async () => {
    const notFound = proxy.inject({
      match: { service: 'lambda', action: 'Invoke' },
      fault: { kind: 'error', status: 404, code: 'ResourceNotFoundException', message: 'Function not found' },
    });
    const error = (await new LambdaClient(config('eu-west-3'))
      .send(new InvokeCommand({ FunctionName: 'carbon-aware-scheduler-worker', InvocationType: 'Event' }))
      .catch((e: unknown) => e)) as Error;
    expect([error.name, error.message]).toEqual(['ResourceNotFoundException', 'Function not found']);
    notFound.remove();

    const unavailable = proxy.inject({ match: { service: 'ec2' }, fault: { kind: 'unavailable' }, times: 2 });
    const ec2Error = (await new EC2Client(config('eu-west-1'))
      .send(new DescribeInstancesCommand({}))
      .catch((e: unknown) => e)) as Error & { $metadata?: { httpStatusCode?: number } };
    unavailable.remove();
    expect([ec2Error.name, ec2Error.$metadata?.httpStatusCode]).toEqual(['ServiceUnavailable', 503]);
  });

  it('resets connections before moto sees a call, or after moto has applied it', async () => {
    await terminateAll(['eu-west-1']);
    const [id] = await launch('eu-west-1', 1, 't3.micro', {});
    const ec2 = new EC2Client(config('eu-west-1'));
    const tagged = async () =>
      (
        await new EC2Client(clientConfig(d.endpoint, d.account, 'eu-west-1')).send(
          new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id!] }] }),
        )
      ).Tags?.map((t) => t.Key) ?? [];

    const before = proxy.inject({ match: { action: 'CreateTags' }, fault: { kind: 'reset' } });
    const lost = (await ec2
      .send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: 'lost', Value: '1' }] }))
      .catch((e: unknown) => e)) as Error;
    before.remove();
    expect(lost).toBeInstanceOf(Error);
    expect(await tagged()).toEqual([]);

    const after = proxy.inject({ match: { action: 'CreateTags' }, fault: { kind: 'reset-after-forward' }, times: 1 });
    // One attempt only, so the SDK does not retry: the client saw a failure, moto applied the call.
    const single = new EC2Client({ ...config('eu-west-1'), maxAttempts: 1 });
    const unknownOutcome = await single
      .send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: 'applied', Value: '1' }] }))
      .catch((e: unknown) => e);
    after.remove();
    expect(unknownOutcome).toBeInstanceOf(Error);
    expect(await tagged()).toEqual(['applied']);
    await terminateAll(['eu-west-1']);
  });

  it('hangs a call until the client gives up, delays one, or answers one itself', async () => {
    const hang = proxy.inject({ match: { service: 'dynamodb' }, fault: { kind: 'hang' }, times: 1 });
    const impatient = new DynamoDBClient({
      ...config('eu-central-1'),
      maxAttempts: 1,
      // smithy's node-http-handler only warns at requestTimeout unless told to throw.
      requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true },
    });
    const started = Date.now();
    const timedOut = (await impatient.send(new ListTablesCommand({})).catch((e: unknown) => e)) as Error;
    hang.remove();
    expect(timedOut.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(5000);

    const delay = proxy.inject({ match: { service: 'dynamodb' }, fault: { kind: 'delay', ms: 400 }, times: 1 });
    const t0 = Date.now();
    await new DynamoDBClient(config('eu-central-1')).send(new ListTablesCommand({}));
    delay.remove();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);

    const stub = proxy.inject({
      match: { service: 'dynamodb', action: 'ListTables' },
      fault: {
        kind: 'answer',
        respond: (call) => ({
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: JSON.stringify({ TableNames: [`answered-${call.region}`] }),
        }),
      },
    });
    const answered = await new DynamoDBClient(config('eu-west-3')).send(new ListTablesCommand({}));
    stub.remove();
    expect(answered.TableNames).toEqual(['answered-eu-west-3']);
  }, 20_000);
});

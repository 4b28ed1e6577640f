import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClient, DEFAULT_CLIENT_TIMEOUTS, requestHandlerOptions } from '../../lambdas/adapters/aws-client';
import { Ec2Fleet, ec2ClientFactory } from '../../lambdas/adapters/ec2/fleet';

/** A loopback endpoint that accepts connections and never answers: a hung regional endpoint. */
let hung: Server;
let hungUrl: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  hung = createServer((socket) => {
    sockets.push(socket); // read nothing, answer nothing
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  const address = hung.address() as { port: number };
  hungUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => hung.close(() => resolve()));
});

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('Module: aws-client', () => {
  it('gives every client throwing connection and request timeouts (3 s and 20 s by default)', () => {
    expect(DEFAULT_CLIENT_TIMEOUTS).toEqual({ connectionTimeoutMs: 3000, requestTimeoutMs: 20_000 });
    expect(requestHandlerOptions({ requestTimeoutMs: 500 })).toEqual({
      connectionTimeout: 3000,
      requestTimeout: 500,
      throwOnRequestTimeout: true,
    });
    expect(() => requestHandlerOptions({ requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs must be a positive/);
  });

  it('a hung regional EC2 endpoint fails that region in bounded time, not at the Lambda timeout', async () => {
    // Prepare: 400 ms per attempt, 2 attempts (the SDK's backoff between them is below 1 s)
    const fleet = new Ec2Fleet(
      ec2ClientFactory({ endpoint: hungUrl, credentials, maxAttempts: 2, timeouts: { requestTimeoutMs: 400 } }),
    );

    // Act
    const started = Date.now();
    const outcome = await fleet.describe('eu-west-1').then(
      () => 'answered',
      (error: Error) => error.name,
    );
    const elapsedMs = Date.now() - started;

    // Assess: 2 × 400 ms + backoff < 3 s
    expect(outcome).toBe('TimeoutError');
    expect(elapsedMs).toBeGreaterThanOrEqual(800);
    expect(elapsedMs).toBeLessThan(3000);
  });

  it('the same holds for every client built by the factory (DynamoDB here)', async () => {
    const client = awsClient(DynamoDBClient, {
      region: 'eu-west-1',
      endpoint: hungUrl,
      credentials,
      maxAttempts: 1,
      timeouts: { requestTimeoutMs: 300 },
    });

    const started = Date.now();
    await expect(client.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

import { describe, expect, it } from 'vitest';
import { documentClient } from '../../lambdas/adapters/dynamodb/table';
import { ec2ClientFactory } from '../../lambdas/adapters/ec2/fleet';

const hasLogger = (stack: { identify(): string[] }) =>
  stack.identify().some((name) => name.startsWith('loggerMiddleware'));

describe('Module: sdk-client', () => {
  describe('Function: withoutSdkLogFilter, in the clients the adapters build', () => {
    it('drops the SDK logger middleware (and its per-request log filters) from the EC2 and DynamoDB clients', () => {
      // Act
      const ec2 = ec2ClientFactory()('eu-west-1');
      const doc = documentClient({ region: 'eu-west-1' });

      // Assess
      expect(hasLogger(ec2.middlewareStack)).toBe(false);
      expect(hasLogger(doc.middlewareStack)).toBe(false);
    });

    it('keeps it when the caller configured a logger of its own', () => {
      // Act
      const ec2 = ec2ClientFactory({ logger: console })('eu-west-1');

      // Assess
      expect(hasLogger(ec2.middlewareStack)).toBe(true);
    });
  });
});

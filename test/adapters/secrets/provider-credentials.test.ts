import { inspect } from 'node:util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadProviderCredentials,
  parseElectricityMapsSecret,
  parseWattTimeSecret,
  powertoolsSecretReader,
} from '../../../lambdas/adapters/secrets/provider-credentials';
import { SecretValue } from '../../../lambdas/adapters/secrets/secret-value';

const secretsMock = mockClient(SecretsManagerClient);

afterEach(() => {
  secretsMock.reset();
});

describe('Module: secret-value', () => {
  describe('Class: SecretValue', () => {
    it('prints [redacted] everywhere and reveals only on request', () => {
      // Prepare
      const secret = new SecretValue('s3cr3t-token');

      // Assess
      expect(String(secret)).toBe('[redacted]');
      expect(`${secret}`).toBe('[redacted]');
      expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
      expect(inspect({ nested: { secret } })).not.toContain('s3cr3t');
      expect(secret.reveal()).toBe('s3cr3t-token');
    });
  });
});

describe('Module: provider-credentials', () => {
  describe('Function: parseElectricityMapsSecret', () => {
    it('accepts a plain token or {"apiKey": "..."}', () => {
      // Assess
      expect(parseElectricityMapsSecret('  abc123  ')?.reveal()).toBe('abc123');
      expect(parseElectricityMapsSecret('{"apiKey":"abc123"}')?.reveal()).toBe('abc123');
      expect(parseElectricityMapsSecret('{"token":"abc123"}')).toBeUndefined();
      expect(parseElectricityMapsSecret('')).toBeUndefined();
    });
  });

  describe('Function: parseWattTimeSecret', () => {
    it('accepts only {"username": "...", "password": "..."}', () => {
      // Act
      const parsed = parseWattTimeSecret('{"username":"freddo","password":"the_frog"}');

      // Assess
      expect(parsed?.username).toBe('freddo');
      expect(parsed?.password.reveal()).toBe('the_frog');
      expect(parseWattTimeSecret('{"username":"freddo"}')).toBeUndefined();
      expect(parseWattTimeSecret('freddo:the_frog')).toBeUndefined();
    });
  });

  describe('Function: loadProviderCredentials', () => {
    it('reads both secrets and reports bad formats without quoting the values', async () => {
      // Prepare
      const values: Record<string, string> = {
        'cas/em': '{"apiKey": "em-key-123"}',
        'cas/wt': 'wt-password-not-json',
      };

      // Act
      const { credentials, unavailable } = await loadProviderCredentials(
        { electricitymaps: 'cas/em', watttime: 'cas/wt' },
        async (name) => values[name],
      );

      // Assess
      expect(credentials.electricityMapsApiKey?.reveal()).toBe('em-key-123');
      expect(credentials.wattTime).toBeUndefined();
      expect(unavailable).toEqual([
        { provider: 'watttime', reason: 'secret cas/wt is not {"username": "...", "password": "..."}' },
      ]);
      expect(JSON.stringify(unavailable)).not.toContain('wt-password');
    });

    it('reports a secret that cannot be read by the error name only', async () => {
      // Act
      const { unavailable } = await loadProviderCredentials({ electricitymaps: 'cas/em' }, async () => {
        const error = new Error('User is not authorized to perform secretsmanager:GetSecretValue');
        error.name = 'AccessDeniedException';
        throw error;
      });

      // Assess
      expect(unavailable).toEqual([
        { provider: 'electricitymaps', reason: 'secret cas/em could not be read (AccessDeniedException)' },
      ]);
    });
  });

  describe('Function: powertoolsSecretReader', () => {
    it('reads SecretString through Powertools getSecret (Secrets Manager GetSecretValue)', async () => {
      // Prepare
      secretsMock.on(GetSecretValueCommand).resolves({ SecretString: '{"username":"u","password":"p"}' });
      const read = powertoolsSecretReader(300);

      // Act
      const value = await read('arn:aws:secretsmanager:eu-central-1:123456789012:secret:cas-watttime-test-1');

      // Assess
      expect(value).toBe('{"username":"u","password":"p"}');
      expect(secretsMock).toHaveReceivedCommandWith(GetSecretValueCommand, {
        SecretId: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:cas-watttime-test-1',
      });
    });
  });
});

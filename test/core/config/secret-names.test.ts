import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../../lambdas/core/config/resolve';

describe('Module: config (secret names)', () => {
  it.each([
    ['*', 'carbon.secrets.electricitymaps: "*" contains a wildcard (* or ?)'],
    ['prod/*', 'carbon.secrets.electricitymaps: "prod/*" contains a wildcard (* or ?)'],
    ['prod/em-??????', 'carbon.secrets.electricitymaps: "prod/em-??????" contains a wildcard (* or ?)'],
    [
      'arn:aws:secretsmanager:eu-central-1:123456789012:secret:*',
      'carbon.secrets.electricitymaps: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:*" contains a wildcard',
    ],
    ['prod em key', 'carbon.secrets.electricitymaps: "prod em key" is not a Secrets Manager secret name'],
    [
      'arn:aws:secretsmanager:eu-central-1:123456789012:key:em',
      '"arn:aws:secretsmanager:eu-central-1:123456789012:key:em" is not a secret ARN',
    ],
  ])('refuses the secret name %j, naming the field', (name, expected) => {
    // Act
    const attempt = () => resolveConfig({ carbon: { secrets: { electricitymaps: name } } }, 'test.json');

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(expected);
  });

  it.each([
    'prod/electricitymaps',
    'team_a+b=c.d@e-f',
    'arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod/watttime-AbCdEf',
  ])('accepts %j', (name) => {
    // Act
    const config = resolveConfig({ carbon: { secrets: { watttime: name } } }, 'test.json');

    // Assess
    expect(config.carbon.secrets.watttime).toBe(name);
  });
});

import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from './app-factory';

function findings(stack: import('aws-cdk-lib').Stack) {
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`);
}

describe('Module: infrastructure', () => {
  describe('cdk-nag AwsSolutions pack', () => {
    it.each([
      ['defaults', {}],
      [
        'secrets, KMS keys, several managed regions and alarm e-mails',
        {
          homeRegion: 'eu-west-1',
          managedRegions: ['eu-west-1', 'us-east-1'],
          carbon: { secrets: { electricitymaps: 'prod/electricitymaps', watttime: 'prod/watttime' } },
          ebsKmsKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
          alarms: { emails: ['finops@example.com'] },
        },
      ],
    ])(
      'reports no unacknowledged finding on any stack, environment-agnostic as `cdk synth` offline (%s)',
      { timeout: 120_000 },
      (_name, config) => {
        // Prepare: no account (the config matrix runs cdk-nag on every configuration with an account)
        const { app, stacks } = buildTestApp(config, { nag: true, account: null });

        // Act
        app.synth();

        // Assess
        for (const stack of [stacks.controlPlane, ...stacks.workers]) {
          expect(findings(stack), stack.stackName).toEqual([]);
        }
      },
    );
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromJson, configToInput, resolveConfig } from '../../lambdas/core/config/resolve';
import { configSchema } from '../../lambdas/core/config/schema';

describe('Module: config', () => {
  describe('Function: resolveConfig', () => {
    it('fills the defaults of the README Configure table when no file is given', () => {
      // Act
      const config = resolveConfig(undefined, 'defaults');

      // Assess
      expect(config.homeRegion).toBe('eu-central-1');
      expect(config.managedRegions).toEqual(['eu-central-1']);
      expect(config.workerRegions).toEqual(['eu-north-1', 'eu-west-3', 'eu-central-1', 'us-east-1', 'us-west-2']);
      expect(config.carbon.providers).toEqual(['electricitymaps', 'watttime', 'uk-carbon-intensity', 'static']);
      expect(config.schedulingIntervalMinutes).toBe(5);
      expect(config.carbon.fetchIntervalMinutes).toBe(5);
      expect(config.dryRun).toBe(false);
      expect(config.timezone).toBe('UTC');
      expect(config.metricsNamespace).toBe('CarbonAwareScheduler');
      expect(config.rightsizing.lookbackDays).toBe(14);
      expect(config.dispatch.allowedRegions).toEqual(config.workerRegions);
    });

    it.each([
      ['eu-central-1', 300],
      ['eu-west-1', 250],
      ['eu-west-2', 200],
      ['eu-west-3', 90],
      ['eu-north-1', 40],
      ['us-east-1', 450],
      ['us-west-2', 350],
      // Not in the README's default list: the static annual average (Electricity Maps 2025, IN-WE = 653 g).
      ['ap-south-1', 653],
    ])('gives %s a default threshold of %d gCO2e/kWh', (region, expected) => {
      // Act
      const config = resolveConfig({});

      // Assess
      expect(config.thresholdFor(region)).toBe(expected);
    });

    it('derives hysteresis as 10% of the threshold unless configured', () => {
      // Prepare
      const byDefault = resolveConfig({ carbonThresholds: { 'eu-central-1': 250 } });
      const flat = resolveConfig({ hysteresis: 15 });
      const perRegion = resolveConfig({ hysteresis: { 'us-east-1': 40 } });

      // Assess
      expect(byDefault.hysteresisFor('eu-central-1')).toBe(25);
      expect(flat.hysteresisFor('eu-west-1')).toBe(15);
      expect(perRegion.hysteresisFor('us-east-1')).toBe(40);
      expect(perRegion.hysteresisFor('eu-west-1')).toBe(25);
    });

    it('lists every region carbon is needed for: home, managed, worker and dispatch', () => {
      // Act
      const config = resolveConfig({
        homeRegion: 'eu-west-1',
        managedRegions: ['eu-west-1', 'ap-south-1'],
        workerRegions: ['eu-north-1', 'us-east-1'],
      });

      // Assess
      expect(config.carbonRegions).toEqual(['ap-south-1', 'eu-north-1', 'eu-west-1', 'us-east-1']);
    });

    it.each([
      [{ homeRegion: 'mars-north-1' }, 'homeRegion: unknown AWS region "mars-north-1"; allowed: "af-south-1"'],
      [
        { ebsKmsKeyArns: ['arn:aws:s3:::my-bucket'] },
        'ebsKmsKeyArns[0]: "arn:aws:s3:::my-bucket" is not an ARN of kms',
      ],
      [{ managedRegions: ['eu-west-1', 'eu-wets-1'] }, 'managedRegions[1]: unknown AWS region "eu-wets-1"'],
      [
        { carbonThresholds: { 'eu-central-1': -5 } },
        'carbonThresholds.eu-central-1: -5 is negative; a threshold must be ≥ 0',
      ],
      [
        { carbonThresholds: { 'eu-central-9': 100 } },
        'carbonThresholds.eu-central-9: unknown AWS region "eu-central-9"',
      ],
      [
        { carbon: { providers: ['electricitymaps', 'carbonara'] } },
        'carbon.providers[1]: "carbonara" is not a valid carbon provider; allowed: "electricitymaps", "watttime", "uk-carbon-intensity", "static"',
      ],
      [
        { schedulingIntervalMinutes: 7 },
        'schedulingIntervalMinutes: 7 is not a valid schedulingIntervalMinutes; allowed: 1, 2, 5, 10, 15, 30, 60',
      ],
      [{ timezone: 'Europe/Berlín' }, 'timezone: "Europe/Berlín" is not an IANA time zone'],
      [{ dryrun: true }, '(root): unknown field(s) "dryrun"'],
      [{ minRunMinutes: 12.5 }, 'minRunMinutes: 12.5 is not a whole number of minutes'],
      [
        { workerRegions: ['eu-north-1'], dispatch: { allowedRegions: ['us-east-1'] } },
        'dispatch.allowedRegions: "us-east-1" has no worker',
      ],
      [
        { alarms: { emails: ['ops-at-example.com'] } },
        'alarms.emails[0]: "ops-at-example.com" is not an e-mail address',
      ],
    ])('rejects %j naming the field, the value and what is allowed', (input, expected) => {
      // Act
      const attempt = () => resolveConfig(input, 'test.json');

      // Assess
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(expected);
      expect(attempt).toThrow('Invalid configuration (test.json)');
    });

    it.each([
      [{ homeRegion: 'cn-north-1' }, 'homeRegion: "cn-north-1" is in the aws-cn partition (AWS China)'],
      [
        { managedRegions: ['eu-central-1', 'us-gov-west-1'] },
        'managedRegions[1]: "us-gov-west-1" is in the aws-us-gov partition (AWS GovCloud (US))',
      ],
      [
        { workerRegions: ['eusc-de-east-1'] },
        'workerRegions[0]: "eusc-de-east-1" is in the aws-eusc partition (AWS European Sovereign Cloud)',
      ],
      [
        { dispatch: { allowedRegions: ['us-iso-east-1'] } },
        'dispatch.allowedRegions[0]: "us-iso-east-1" is in the aws-iso partition',
      ],
      [{ managedRegions: ['us-isob-east-1'] }, 'managedRegions[0]: "us-isob-east-1" is in the aws-iso-b partition'],
      [{ managedRegions: ['eu-isoe-west-1'] }, 'managedRegions[0]: "eu-isoe-west-1" is in the aws-iso-e partition'],
      [{ managedRegions: ['us-isof-south-1'] }, 'managedRegions[0]: "us-isof-south-1" is in the aws-iso-f partition'],
      [
        { carbonThresholds: { 'cn-northwest-1': 500 } },
        'carbonThresholds.cn-northwest-1: "cn-northwest-1" is in the aws-cn',
      ],
      [
        { carbon: { zoneOverrides: { 'us-gov-east-1': 'US-MIDA-PJM' } } },
        'carbon.zoneOverrides.us-gov-east-1: "us-gov-east-1" is in the aws-us-gov',
      ],
      [{ pue: { regions: { 'cn-north-1': 1.2 } } }, 'pue.regions.cn-north-1: "cn-north-1" is in the aws-cn'],
      [
        { ebsKmsKeyArns: ['arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'] },
        'ebsKmsKeyArns[0]: "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" is in the aws-cn partition; a deployment lives in the aws partition',
      ],
      [
        {
          carbon: {
            secrets: { watttime: 'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:wt-AbCdEf' },
          },
        },
        'carbon.secrets.watttime: "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:wt-AbCdEf" is in the aws-us-gov partition',
      ],
    ])('refuses regions and ARNs of other partitions in %j, naming the field and the partition', (input, expected) => {
      // Act
      const attempt = () => resolveConfig(input, 'test.json');

      // Assess
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(expected);
      expect(attempt).toThrow(/a deployment lives in the aws partition/);
    });

    it('lists only commercial regions as allowed when a region is unknown', () => {
      // Act
      const attempt = () => resolveConfig({ homeRegion: 'eu-centrall-1' });

      // Assess
      expect(attempt).toThrow(/allowed: .*"eu-central-1"/);
      expect(attempt).not.toThrow(/cn-north-1|us-gov-west-1/);
    });

    it('accepts secrets given by name or by an ARN of the aws partition', () => {
      // Act
      const config = resolveConfig({
        carbon: {
          secrets: {
            electricitymaps: 'prod/electricitymaps',
            watttime: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod/watttime-AbCdEf',
          },
        },
      });

      // Assess
      expect(config.carbon.secrets.watttime).toBe(
        'arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod/watttime-AbCdEf',
      );
    });

    it('round-trips through the JSON a Lambda receives to the same resolved settings', () => {
      // Prepare
      const config = resolveConfig({ homeRegion: 'eu-west-1', carbonThresholds: { 'eu-west-1': 180 }, dryRun: true });

      // Act
      const again = configFromJson(JSON.stringify(configToInput(config)), 'config.json');

      // Assess
      expect(JSON.stringify(configToInput(config))).toBe(
        '{"homeRegion":"eu-west-1","carbonThresholds":{"eu-west-1":180},"dryRun":true}',
      );
      expect(again.thresholdFor('eu-west-1')).toBe(180);
      expect(again.dryRun).toBe(true);
      expect(again.managedRegions).toEqual(['eu-west-1']);
    });

    it.each([
      ['{"homeRegion": ', /- \(root\): not valid JSON/],
      ['', /- \(root\): empty; expected the configuration as a JSON object/],
      ['  \n', /- \(root\): empty/],
      ['null', /- \(root\): expected a JSON object, got null/],
      ['["eu-central-1"]', /- \(root\): expected a JSON object, got \["eu-central-1"\]/],
    ])('rejects %j as configuration JSON with a clear error instead of using the defaults', (json, expected) => {
      // Act
      const attempt = () => configFromJson(json, '/var/task/config.json');

      // Assess
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^Invalid configuration \(\/var\/task\/config\.json\):\n/);
      expect(attempt).toThrow(expected);
    });

    it('accepts the shipped carbon-scheduler.config.example.json, which sets every top-level field', () => {
      // Prepare
      const example = JSON.parse(
        readFileSync(new URL('../../carbon-scheduler.config.example.json', import.meta.url), 'utf8'),
      ) as Record<string, unknown>;
      const documented = Object.keys(configSchema.shape).sort();

      // Act
      const config = resolveConfig(example, 'carbon-scheduler.config.example.json');

      // Assess
      expect(Object.keys(example).sort()).toEqual(documented);
      expect(config.thresholdFor('eu-west-1')).toBe(250);
      expect(config.hysteresisFor('eu-west-1')).toBe(25);
      expect(config.schedules).toHaveLength(1);
    });

    it('reports every bad field at once', () => {
      // Act
      let error: ConfigError | undefined;
      try {
        resolveConfig({ homeRegion: 'nowhere', carbonThresholds: { 'eu-west-1': -1 } });
      } catch (caught) {
        error = caught as ConfigError;
      }

      // Assess
      expect(error?.issues).toHaveLength(2);
    });
  });
});

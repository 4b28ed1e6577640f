import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FleetDocumentError,
  instancesFromDocument,
  regionOfAvailabilityZone,
} from '../../../lambdas/adapters/ec2/instance-facts';
import { KNOWN_REGIONS } from '../../../lambdas/core/carbon/region-facts';

describe('Module: instance-facts', () => {
  describe('Function: regionOfAvailabilityZone', () => {
    it.each([
      ['eu-central-1a', 'eu-central-1'],
      ['us-east-1-bos-1a', 'us-east-1'],
      ['us-west-2-lax-1b', 'us-west-2'],
      ['us-east-1-wl1-bos-wlz-1', 'us-east-1'],
      ['us-gov-west-1a', 'us-gov-west-1'],
      ['ap-southeast-5b', 'ap-southeast-5'],
      ['nowhere', undefined],
    ])('%s is in %s', (zone, region) => {
      // Act & Assess
      expect(regionOfAvailabilityZone(zone)).toBe(region);
    });

    it('recovers every known region from its zones a–f and local zones (property)', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...KNOWN_REGIONS),
          fc.constantFrom('a', 'b', 'c', 'f', '-bos-1a', '-wl1-sfo-wlz-1'),
          (region, suffix) => {
            expect(regionOfAvailabilityZone(`${region}${suffix}`)).toBe(region);
          },
        ),
      );
    });
  });

  describe('Function: instancesFromDocument', () => {
    it('reads the describe-instances JSON: region from the zone, tags, launch time, spot, state by code', () => {
      // Prepare
      const document = {
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-0a',
                InstanceType: 't3.micro',
                State: { Code: 16, Name: 'running' },
                Placement: { AvailabilityZone: 'us-east-1-bos-1a' },
                Tags: [{ Key: 'Schedule', Value: 'office-hours' }],
                LaunchTime: '2026-01-05T10:00:00+00:00',
                InstanceLifecycle: 'spot',
              },
              {
                InstanceId: 'i-0b',
                InstanceType: 'm5.large',
                State: { Code: 80 },
                Placement: { AvailabilityZone: 'eu-west-1c' },
              },
            ],
          },
        ],
      };

      // Act
      const { instances, errors } = instancesFromDocument(document);

      // Assess
      expect(errors).toEqual([]);
      expect(instances).toEqual([
        {
          instanceId: 'i-0a',
          region: 'us-east-1',
          instanceType: 't3.micro',
          state: 'running',
          tags: { Schedule: 'office-hours' },
          launchTime: '2026-01-05T10:00:00.000Z',
          hibernationConfigured: false,
          lifecycle: 'spot',
        },
        {
          instanceId: 'i-0b',
          region: 'eu-west-1',
          instanceType: 'm5.large',
          state: 'stopped',
          tags: {},
          hibernationConfigured: false,
        },
      ]);
    });

    it('lists unreadable instances and rejects what is not a describe-instances document', () => {
      // Act
      const partial = instancesFromDocument({
        Reservations: [
          { Instances: [{ InstanceId: 'i-1', InstanceType: 'm5.large', State: { Name: 'running' } }] },
          {},
        ],
      });

      // Assess
      expect(partial.errors).toEqual([
        'i-1: Placement.AvailabilityZone undefined names no region',
        'Reservations[1]: "Instances" is missing or not an array',
      ]);
      expect(() => instancesFromDocument([])).toThrow(FleetDocumentError);
      expect(() => instancesFromDocument({ Instances: [] })).toThrow(/"Reservations" is missing/);
    });

    it('reports an instance whose Tags is an object, or an entry that is not an object, instead of throwing', () => {
      // Prepare
      const placed = {
        InstanceType: 'm5.large',
        State: { Name: 'running' },
        Placement: { AvailabilityZone: 'eu-central-1a' },
      };

      // Act
      const read = instancesFromDocument({
        Reservations: [
          null,
          {
            Instances: [
              { InstanceId: 'i-obj', ...placed, Tags: { Schedule: 'office-hours' } },
              { InstanceId: 'i-null-tag', ...placed, Tags: [null] },
              'i-string',
              { InstanceId: 'i-ok', ...placed, Tags: [{ Key: 'Schedule', Value: 'office-hours' }] },
            ],
          },
        ],
      });

      // Assess
      expect(read.instances.map((i) => i.instanceId)).toEqual(['i-ok']);
      expect(read.errors).toEqual([
        'Reservations[0]: "Instances" is missing or not an array',
        'i-obj: Tags is not a list of {"Key": ..., "Value": ...} objects',
        'i-null-tag: Tags holds a non-object entry',
        'Reservations[1]: an entry of "Instances" is not an object',
      ]);
    });
  });
});

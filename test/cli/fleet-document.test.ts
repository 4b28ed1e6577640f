import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FleetFileError, resourcesFromFleetDocument } from '../../cli/adapters/fleet-document';

describe('Module: cli fleet-document', () => {
  describe('Function: resourcesFromFleetDocument', () => {
    it('maps a DB instance, a cluster with its members’ classes and a group, naming region and account from ARNs', () => {
      // Act
      const { resources, errors, keys } = resourcesFromFleetDocument({
        DBInstances: [
          {
            DBInstanceIdentifier: 'db-1',
            DBInstanceClass: 'db.t3.micro',
            Engine: 'postgres',
            DBInstanceStatus: 'stopped',
            DBInstanceArn: 'arn:aws:rds:eu-west-1:210987654321:db:db-1',
            MultiAZ: false,
            TagList: [{ Key: 'Schedule', Value: 'office-hours' }],
          },
          {
            DBInstanceIdentifier: 'c-1-a',
            DBInstanceClass: 'db.r6g.large',
            Engine: 'aurora-mysql',
            DBInstanceStatus: 'available',
            AvailabilityZone: 'us-east-1b',
            DBClusterIdentifier: 'c-1',
          },
        ],
        DBClusters: [
          {
            DBClusterIdentifier: 'c-1',
            Engine: 'aurora-mysql',
            Status: 'available',
            AvailabilityZones: ['us-east-1a'],
            DBClusterMembers: [{ DBInstanceIdentifier: 'c-1-a', IsClusterWriter: true }],
          },
        ],
        AutoScalingGroups: [
          {
            AutoScalingGroupName: 'web',
            MinSize: 0,
            DesiredCapacity: 0,
            MaxSize: 4,
            AutoScalingGroupARN:
              'arn:aws:autoscaling:ap-southeast-2:210987654321:autoScalingGroup:uuid:autoScalingGroupName/web',
            Instances: [],
            Tags: [{ Key: 'Schedule', Value: 'office-hours', ResourceId: 'web' }],
          },
        ],
      });

      // Assess
      expect(errors).toEqual([]);
      expect(keys).toEqual(['DBInstances', 'DBClusters', 'AutoScalingGroups']);
      expect(resources.map((r) => [r.type, r.id, r.region, r.accountId, r.state])).toEqual([
        ['rds-instance', 'db-1', 'eu-west-1', '210987654321', 'stopped'],
        ['rds-instance', 'c-1-a', 'us-east-1', undefined, 'running'],
        ['rds-cluster', 'c-1', 'us-east-1', undefined, 'running'],
        ['autoscaling-group', 'web', 'ap-southeast-2', '210987654321', 'stopped'],
      ]);
      expect(resources[2]).toMatchObject({ members: [{ id: 'c-1-a', writer: true, instanceClass: 'db.r6g.large' }] });
    });

    it('lists entries it cannot read and keeps the others', () => {
      // Act
      const { resources, errors } = resourcesFromFleetDocument({
        DBInstances: [
          { DBInstanceIdentifier: 'x' },
          'text',
          {
            DBInstanceIdentifier: 'y',
            DBInstanceClass: 'db.t3.micro',
            Engine: 'mysql',
            DBInstanceStatus: 'available',
            AvailabilityZone: 'nowhere',
          },
        ],
        AutoScalingGroups: [
          {
            AutoScalingGroupName: 'g',
            MinSize: 1,
            DesiredCapacity: 1,
            MaxSize: 1,
            AvailabilityZones: ['eu-north-1a'],
            Tags: 'x',
          },
        ],
      });

      // Assess
      expect(resources).toEqual([]);
      expect(errors).toEqual([
        'x: no DBInstanceClass',
        'DBInstances[1] is not an object',
        'y: neither DBInstanceArn nor AvailabilityZone names a region',
        'g: Tags is not a list of {"Key": ..., "Value": ...} objects',
      ]);
    });

    it('never throws anything but a FleetFileError, whatever the JSON', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.jsonValue(),
            fc.record({ DBInstances: fc.jsonValue() }),
            fc.record({ DBClusters: fc.array(fc.jsonValue()), DBInstances: fc.array(fc.jsonValue()) }),
            fc.record({
              AutoScalingGroups: fc.array(
                fc.dictionary(
                  fc.constantFrom(
                    'AutoScalingGroupName',
                    'MinSize',
                    'DesiredCapacity',
                    'MaxSize',
                    'Tags',
                    'Instances',
                    'AutoScalingGroupARN',
                  ),
                  fc.jsonValue(),
                ),
              ),
            }),
          ),
          (document) => {
            try {
              const read = resourcesFromFleetDocument(document);
              return Array.isArray(read.resources) && Array.isArray(read.errors);
            } catch (error) {
              return error instanceof FleetFileError;
            }
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});

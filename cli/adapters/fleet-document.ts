import { GroupDocumentError, groupsFromDocument } from '../../lambdas/adapters/autoscaling/group-facts';
import { FleetDocumentError, instancesFromDocument } from '../../lambdas/adapters/ec2/instance-facts';
import {
  DbDocumentError,
  type DescribedDbInstance,
  dbClustersFromDocument,
  dbInstancesFromDocument,
  instanceClassesOf,
} from '../../lambdas/adapters/rds/db-facts';
import { ec2Resource, type Resource } from '../../lambdas/core/resources/types';

/**
 * The `plan --fleet FILE` document: the JSON of `aws ec2 describe-instances` (`Reservations`),
 * `aws rds describe-db-instances` (`DBInstances`), `aws rds describe-db-clusters` (`DBClusters`) or
 * `aws autoscaling describe-auto-scaling-groups` (`AutoScalingGroups`), recognised by its top-level key. One file may
 * hold several of these keys (e.g. the outputs merged with `jq -s add`): a cluster's member classes then come from
 * the `DBInstances` of the same file.
 */

/** The top-level keys of the four describe outputs, with the command that prints each. */
export const FLEET_KEYS: Readonly<Record<string, string>> = {
  Reservations: 'aws ec2 describe-instances',
  DBInstances: 'aws rds describe-db-instances',
  DBClusters: 'aws rds describe-db-clusters',
  AutoScalingGroups: 'aws autoscaling describe-auto-scaling-groups',
};

/** A fleet document that is none of the four describe outputs, or one whose list is malformed. */
export class FleetFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetFileError';
  }
}

const EXPECTED =
  'expected the JSON printed by "aws ec2 describe-instances" (Reservations), "aws rds describe-db-instances" ' +
  '(DBInstances), "aws rds describe-db-clusters" (DBClusters) or "aws autoscaling describe-auto-scaling-groups" ' +
  '(AutoScalingGroups)';

/**
 * Every resource of a fleet document, in the order of its keys (EC2, DB instances, DB clusters, groups) and entries.
 * @returns resources, one message per entry that could not be read, and the keys found
 * @throws {FleetFileError} when the document is not an object, has none of the keys, or a key is not a list
 */
export function resourcesFromFleetDocument(document: unknown): {
  resources: Resource[];
  errors: string[];
  keys: string[];
} {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new FleetFileError(
      `not a describe-instances document (nor an RDS or Auto Scaling one): the top level is not an object; ${EXPECTED}`,
    );
  }
  const record = document as Record<string, unknown>;
  const keys = Object.keys(FLEET_KEYS).filter((key) => key in record);
  if (keys.length === 0) {
    const found = Object.keys(record)
      .slice(0, 5)
      .map((k) => JSON.stringify(k));
    throw new FleetFileError(
      `not a describe-instances document (nor an RDS or Auto Scaling one): no top-level key Reservations, ` +
        `DBInstances, DBClusters or AutoScalingGroups${found.length > 0 ? ` (found ${found.join(', ')})` : ''}; ${EXPECTED}`,
    );
  }
  const resources: Resource[] = [];
  const errors: string[] = [];
  try {
    if (keys.includes('Reservations')) {
      const read = instancesFromDocument(record);
      resources.push(...read.instances.map(ec2Resource));
      errors.push(...read.errors);
    }
    if (keys.includes('DBInstances')) {
      const read = dbInstancesFromDocument(record);
      resources.push(...read.resources);
      errors.push(...read.errors);
    }
    if (keys.includes('DBClusters')) {
      const instances = Array.isArray(record.DBInstances) ? (record.DBInstances as DescribedDbInstance[]) : [];
      const read = dbClustersFromDocument(
        record,
        instanceClassesOf(instances.filter((i) => typeof i === 'object' && i !== null)),
      );
      resources.push(...read.resources);
      errors.push(...read.errors);
    }
    if (keys.includes('AutoScalingGroups')) {
      const read = groupsFromDocument(record);
      resources.push(...read.resources);
      errors.push(...read.errors);
    }
  } catch (error) {
    if (
      error instanceof FleetDocumentError ||
      error instanceof DbDocumentError ||
      error instanceof GroupDocumentError
    ) {
      throw new FleetFileError(error.message);
    }
    throw error;
  }
  return { resources, errors, keys };
}

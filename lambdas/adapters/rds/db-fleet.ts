import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  type RDSClientConfig,
  StartDBClusterCommand,
  StartDBInstanceCommand,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import type { DatabaseFleet, DescribedDatabases } from '../../core/resources/ports';
import type { DbClusterResource, RdsInstanceResource } from '../../core/resources/types';
import { SCHEDULE_TAG } from '../../core/scheduler/instance-facts';
import { awsClient } from '../aws-client';
import {
  type DescribedDbCluster,
  type DescribedDbInstance,
  dbClusterFrom,
  dbInstanceFrom,
  instanceClassesOf,
} from './db-facts';

/** Page size of DescribeDBInstances / DescribeDBClusters (the API maximum). */
export const RDS_PAGE_SIZE = 100;

/** RDS clients per region, created once and reused (adaptive retries, as the EC2 clients). */
export function rdsClientFactory(config: Omit<RDSClientConfig, 'region'> = {}): (region: string) => RDSClient {
  const clients = new Map<string, RDSClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = awsClient(RDSClient, { retryMode: 'adaptive', maxAttempts: 5, ...config, region });
      clients.set(region, client);
    }
    return client;
  };
}

/**
 * The {@link DatabaseFleet} port on the RDS API (RDS, Aurora and Neptune share it; DocumentDB clusters too).
 * - `describe`: DescribeDBInstances and DescribeDBClusters, `MaxRecords` 100, following `Marker`. Neither has a
 *   server-side tag filter, so every DB instance and cluster of the region is read and only those whose `TagList`
 *   has the `Schedule` key are returned; cluster members get their class from the DB instances read.
 * - start / stop: one call per database (RDS has no batch call); errors are thrown unchanged (`name` is the AWS
 *   error code, e.g. `InvalidDBInstanceState`, `InvalidDBClusterStateFault`).
 * IAM: rds:DescribeDBInstances, rds:DescribeDBClusters (no resource-level permissions); rds:StartDBInstance,
 * rds:StopDBInstance, rds:StartDBCluster, rds:StopDBCluster conditioned on `aws:ResourceTag/Schedule`.
 */
export class RdsDatabaseFleet implements DatabaseFleet {
  private readonly clientFor: (region: string) => RDSClient;

  constructor(clientFor: (region: string) => RDSClient = rdsClientFactory()) {
    this.clientFor = clientFor;
  }

  async describe(region: string): Promise<DescribedDatabases> {
    const client = this.clientFor(region);
    let calls = 0;
    const described: DescribedDbInstance[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(
        new DescribeDBInstancesCommand({ MaxRecords: RDS_PAGE_SIZE, ...(marker ? { Marker: marker } : {}) }),
      );
      calls += 1;
      described.push(...((page.DBInstances ?? []) as DescribedDbInstance[]));
      marker = page.Marker || undefined;
    } while (marker);
    const clusters: DescribedDbCluster[] = [];
    do {
      const page = await client.send(
        new DescribeDBClustersCommand({ MaxRecords: RDS_PAGE_SIZE, ...(marker ? { Marker: marker } : {}) }),
      );
      calls += 1;
      clusters.push(...((page.DBClusters ?? []) as DescribedDbCluster[]));
      marker = page.Marker || undefined;
    } while (marker);

    const errors: string[] = [];
    const tagged = (list: DescribedDbInstance['TagList']) =>
      Array.isArray(list) && list.some((tag) => tag?.Key === SCHEDULE_TAG);
    const instances: RdsInstanceResource[] = [];
    for (const instance of described) {
      if (!tagged(instance.TagList)) continue;
      const result = dbInstanceFrom(instance, region);
      if (result.ok) instances.push(result.resource);
      else errors.push(result.error);
    }
    const classes = instanceClassesOf(described);
    const resources: DbClusterResource[] = [];
    for (const cluster of clusters) {
      if (!tagged(cluster.TagList)) continue;
      const result = dbClusterFrom(cluster, region, classes);
      if (result.ok) resources.push(result.resource);
      else errors.push(result.error);
    }
    return { instances, clusters: resources, errors, calls };
  }

  async startInstance(region: string, id: string): Promise<void> {
    await this.clientFor(region).send(new StartDBInstanceCommand({ DBInstanceIdentifier: id }));
  }

  async stopInstance(region: string, id: string): Promise<void> {
    await this.clientFor(region).send(new StopDBInstanceCommand({ DBInstanceIdentifier: id }));
  }

  async startCluster(region: string, id: string): Promise<void> {
    await this.clientFor(region).send(new StartDBClusterCommand({ DBClusterIdentifier: id }));
  }

  async stopCluster(region: string, id: string): Promise<void> {
    await this.clientFor(region).send(new StopDBClusterCommand({ DBClusterIdentifier: id }));
  }
}

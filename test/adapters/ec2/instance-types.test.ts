import { DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { InstanceTypeCatalog, specsFromInstanceTypeInfo } from '../../../lambdas/adapters/ec2/instance-types';

const ec2 = mockClient(EC2Client);
const info = (type: string, vcpu: number, mib: number, arch = 'x86_64') => ({
  InstanceType: type as never,
  VCpuInfo: { DefaultVCpus: vcpu },
  MemoryInfo: { SizeInMiB: mib },
  ProcessorInfo: { SupportedArchitectures: [arch as never], Manufacturer: arch === 'arm64' ? 'AWS' : 'Intel' },
});

describe('Module: instance-types', () => {
  beforeEach(() => {
    ec2.reset();
  });

  describe('Class: InstanceTypeCatalog', () => {
    it('describes the families of the run with instance-type wildcards, paginated, and caches them', async () => {
      // Prepare
      ec2
        .on(DescribeInstanceTypesCommand)
        .resolvesOnce({ InstanceTypes: [info('m5.large', 2, 8192), info('m5.xlarge', 4, 16384)], NextToken: 'p2' })
        .resolvesOnce({ InstanceTypes: [info('m6g.large', 2, 8192, 'arm64')] });
      const catalog = new InstanceTypeCatalog({ clientFor: () => new EC2Client({ region: 'eu-central-1' }) });

      // Act
      const first = await catalog.load('eu-central-1', ['m5', 'm6g']);
      const second = await catalog.load('eu-central-1', ['m5']);

      // Assess
      expect(first).toEqual({ described: 2, cached: 0, calls: 2 });
      expect(second).toEqual({ described: 0, cached: 1, calls: 0 });
      expect(ec2).toHaveReceivedCommandTimes(DescribeInstanceTypesCommand, 2);
      expect(ec2).toHaveReceivedNthCommandWith(DescribeInstanceTypesCommand, 1, {
        Filters: [{ Name: 'instance-type', Values: ['m5.*', 'm6g.*'] }],
      });
      expect(catalog.familySizes('eu-central-1', 'm5').map((s) => s.instanceType)).toEqual(['m5.large', 'm5.xlarge']);
      expect(catalog.specs('eu-central-1', 'm6g.large')).toMatchObject({
        source: 'describe-instance-types',
        specs: { vcpu: 2, memoryGiB: 8, arch: 'arm64', microarchitectures: ['Graviton2'] },
      });
    });

    it('treats a family EC2 does not offer in the region as empty (not the snapshot)', async () => {
      // Prepare
      ec2.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: [] });
      const catalog = new InstanceTypeCatalog({ clientFor: () => new EC2Client({ region: 'eu-central-1' }) });

      // Act
      await catalog.load('eu-central-1', ['m9g']);

      // Assess
      expect(catalog.familySizes('eu-central-1', 'm9g')).toEqual([]);
    });

    it('falls back to the bundled snapshot when DescribeInstanceTypes fails, and says so', async () => {
      // Prepare
      ec2
        .on(DescribeInstanceTypesCommand)
        .rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
      const catalog = new InstanceTypeCatalog({
        clientFor: () => new EC2Client({ region: 'eu-central-1', maxAttempts: 1 }),
      });

      // Act
      const report = await catalog.load('eu-central-1', ['m5']);

      // Assess
      expect(report.fallback?.families).toEqual(['m5']);
      expect(report.fallback?.reason).toContain('UnauthorizedOperation: not authorized');
      expect(catalog.familySizes('eu-central-1', 'm5')[0]?.instanceType).toBe('m5.large');
      expect(catalog.specs('eu-central-1', 'm5.large')?.source).toBe('snapshot');
    });

    it('refreshes after the TTL', async () => {
      // Prepare
      ec2.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: [info('m5.large', 2, 8192)] });
      let now = new Date('2026-11-16T00:00:00Z');
      const catalog = new InstanceTypeCatalog({
        clientFor: () => new EC2Client({ region: 'eu-central-1' }),
        ttlMinutes: 60,
        clock: () => now,
      });
      await catalog.load('eu-central-1', ['m5']);

      // Act
      now = new Date('2026-11-16T01:00:00Z');
      const report = await catalog.load('eu-central-1', ['m5']);

      // Assess
      expect(report.described).toBe(1);
    });
  });

  describe('Function: specsFromInstanceTypeInfo', () => {
    it('converts MiB to GiB and reads arm64', () => {
      // Act
      const specs = specsFromInstanceTypeInfo(info('c7g.medium', 1, 2048, 'arm64'));

      // Assess
      expect(specs).toMatchObject({ family: 'c7g', size: 'medium', vcpu: 1, memoryGiB: 2, arch: 'arm64' });
    });

    it('returns undefined without vCPU or memory', () => {
      // Act / Assess
      expect(specsFromInstanceTypeInfo({ InstanceType: 'm5.large' as never })).toBeUndefined();
    });
  });
});

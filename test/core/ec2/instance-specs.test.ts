import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  familySizes,
  gravitonFamiliesFor,
  instanceSpecs,
  isBurstableFamily,
  knownInstanceTypes,
  parseInstanceType,
  requireInstanceSpecs,
  UnknownInstanceTypeError,
} from '../../../lambdas/core/ec2/instance-specs';

describe('Module: instance-specs', () => {
  describe('Function: parseInstanceType', () => {
    it.each([
      ['m5.large', 'm5', 'large'],
      ['c7i-flex.2xlarge', 'c7i-flex', '2xlarge'],
      ['u-6tb1.56xlarge', 'u-6tb1', '56xlarge'],
      ['c8g.metal-24xl', 'c8g', 'metal-24xl'],
    ])('splits %s into %s and %s', (type, family, size) => {
      // Act / Assess
      expect(parseInstanceType(type)).toEqual({ family, size });
    });

    it.each(['', 'm5', 'M5.large', 'm5.large.x', '.large', 'm5.'])('rejects %j', (type) => {
      // Act / Assess
      expect(parseInstanceType(type)).toBeUndefined();
    });

    it('round-trips family and size of any well-formed type and never throws on any string', () => {
      // Prepare
      const part = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);

      // Act / Assess
      fc.assert(
        fc.property(part, part, (family, size) => {
          expect(parseInstanceType(`${family}.${size}`)).toEqual({ family, size });
        }),
      );
      fc.assert(
        fc.property(fc.string(), (text) => {
          const parsed = parseInstanceType(text);
          if (parsed) expect(`${parsed.family}.${parsed.size}`).toBe(text);
        }),
      );
    });

    it('parses every type of the bundled snapshot', () => {
      // Act / Assess
      for (const type of knownInstanceTypes()) expect(parseInstanceType(type)).toBeDefined();
    });
  });

  describe('Function: instanceSpecs', () => {
    it('knows m5.large: 2 vCPU, 8 GiB, x86_64, Intel Xeon Platinum 8175, Skylake (CCF list)', () => {
      // Act
      const specs = instanceSpecs('m5.large');

      // Assess
      expect(specs).toMatchObject({
        family: 'm5',
        size: 'large',
        vcpu: 2,
        memoryGiB: 8,
        arch: 'x86_64',
        generation: 5,
        processorFamily: 'Intel',
        processor: 'Intel Xeon Platinum 8175',
        microarchitectures: ['Skylake'],
        microarchitectureSource: 'ccf-instance-list',
        burstable: false,
        metal: false,
      });
    });

    it('knows the Graviton3 m7g.large and maps m8g.large to Graviton4 by family rule', () => {
      // Act
      const m7g = instanceSpecs('m7g.large');
      const m8g = instanceSpecs('m8g.large');

      // Assess
      expect(m7g).toMatchObject({ arch: 'arm64', microarchitectures: ['Graviton3'] });
      expect(m8g).toMatchObject({
        arch: 'arm64',
        microarchitectures: ['Graviton4'],
        microarchitectureSource: 'family-rule',
      });
    });

    it('marks t3.micro burstable with 1 GiB memory', () => {
      // Act / Assess
      expect(instanceSpecs('t3.micro')).toMatchObject({ vcpu: 2, memoryGiB: 1, burstable: true });
    });

    it('answers undefined for an unknown type; requireInstanceSpecs throws', () => {
      // Act / Assess
      expect(instanceSpecs('m5.gigantic')).toBeUndefined();
      expect(() => requireInstanceSpecs('m5.gigantic')).toThrow(UnknownInstanceTypeError);
    });
  });

  describe('Function: familySizes', () => {
    it('lists m5 by vCPU with metal after the same-size 24xlarge', () => {
      // Act
      const names = familySizes('m5').map((s) => s.instanceType);

      // Assess
      expect(names).toEqual([
        'm5.large',
        'm5.xlarge',
        'm5.2xlarge',
        'm5.4xlarge',
        'm5.8xlarge',
        'm5.12xlarge',
        'm5.16xlarge',
        'm5.24xlarge',
        'm5.metal',
      ]);
    });

    it('is empty for an unknown family', () => {
      // Act / Assess
      expect(familySizes('zz1')).toEqual([]);
    });
  });

  describe('Function: isBurstableFamily', () => {
    it.each([
      ['t2', true],
      ['t3a', true],
      ['t4g', true],
      ['m5', false],
      ['trn1', false],
    ])('%s → %s', (family, expected) => {
      // Act / Assess
      expect(isBurstableFamily(family)).toBe(expected);
    });
  });

  describe('Function: gravitonFamiliesFor', () => {
    it.each([
      ['m5', ['m9g', 'm8g', 'm7g', 'm6g']],
      ['m5d', ['m9gd', 'm8gd', 'm7gd', 'm6gd']],
      ['r6i', ['r8g', 'r7g', 'r6g']],
      ['t3', ['t4g']],
      ['m6g', []],
      ['a1', []],
      ['c7i-flex', []],
    ])('maps %s to %j', (family, expected) => {
      // Act / Assess
      expect(gravitonFamiliesFor(family)).toEqual(expected);
    });
  });
});

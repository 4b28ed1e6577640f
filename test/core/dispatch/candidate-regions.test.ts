import { describe, expect, it } from 'vitest';
import { candidateRegions, DispatchValidationError } from '../../../lambdas/core/dispatch/candidate-regions';

const allowed = ['eu-north-1', 'eu-west-3', 'us-east-1'];

describe('Module: candidate-regions', () => {
  describe('Function: candidateRegions', () => {
    it('uses every allowed region when the request names none', () => {
      // Act / Assess
      expect(candidateRegions(undefined, allowed)).toEqual(allowed);
    });

    it('keeps the requested regions that are allowed, without duplicates', () => {
      // Act / Assess
      expect(candidateRegions(['us-east-1', 'eu-north-1', 'us-east-1'], allowed)).toEqual(['eu-north-1', 'us-east-1']);
    });

    it('rejects an unknown region and an unallowed one, naming both and the allowed list', () => {
      // Act
      const act = () => candidateRegions(['eu-north-1', 'mars-north-1', 'ap-south-1'], allowed);

      // Assess
      expect(act).toThrow(DispatchValidationError);
      expect(act).toThrow(
        'regions: unknown AWS region "mars-north-1"; region "ap-south-1" is not allowed for dispatch; ' +
          'allowed: "eu-north-1", "eu-west-3", "us-east-1" (config dispatch.allowedRegions)',
      );
    });
  });
});

import { describe, expect, it } from 'vitest';
import { reportLocationJob } from '../../../lambdas/core/jobs/report-location';

const startedAt = new Date('2026-11-21T14:00:05Z');
const dispatch = {
  decidedAt: '2026-11-21T14:00:00.000Z',
  region: 'eu-north-1',
  homeRegion: 'eu-central-1',
  zone: 'SE-SE3',
  provider: 'electricitymaps',
  origin: 'cached',
  signal: 'average',
  gCO2ePerKWh: 28,
  adjustedGCO2ePerKWh: 28,
  observedAt: '2026-11-21T13:00:00.000Z',
  homeGCO2ePerKWh: 380,
  attempt: 1,
};

describe('Module: report-location', () => {
  describe('Job: report-location', () => {
    it('reports where and when it ran with the intensity the dispatcher decided on', async () => {
      // Act
      const result = await reportLocationJob.run(
        { kind: 'report-location' },
        {
          jobId: 'j1',
          region: 'eu-north-1',
          startedAt,
          dispatch,
        },
      );

      // Assess
      expect(result).toEqual({
        message: 'ran in eu-north-1 at 2026-11-21T14:00:05.000Z; grid intensity 28 gCO2e/kWh (electricitymaps, cached)',
        region: 'eu-north-1',
        zone: 'SE-SE3',
        ranAt: '2026-11-21T14:00:05.000Z',
        gCO2ePerKWh: 28,
        quality: 'excellent',
        intensitySource: 'dispatch',
        provider: 'electricitymaps',
        observedAt: '2026-11-21T13:00:00.000Z',
        homeRegion: 'eu-central-1',
        homeGCO2ePerKWh: 380,
        attempt: 1,
      });
    });

    it('uses the static annual factor when invoked directly (no dispatch context)', async () => {
      // Act: us-east-1's static factor is 418 g (Electricity Maps 2025 yearly, US-MIDA-PJM).
      const result = await reportLocationJob.run(
        { kind: 'report-location' },
        { jobId: 'j2', region: 'us-east-1', startedAt },
      );

      // Assess
      expect(result).toMatchObject({
        gCO2ePerKWh: 418,
        quality: 'poor',
        intensitySource: 'static',
        provider: 'static',
        homeRegion: null,
      });
      expect(result.message).toBe(
        'ran in us-east-1 at 2026-11-21T14:00:05.000Z; grid intensity 418 gCO2e/kWh (static annual average)',
      );
    });

    it('does not use a dispatch context meant for another region', async () => {
      // Act: the context says eu-north-1 but the worker runs in eu-west-3 (static 31 g).
      const result = await reportLocationJob.run(
        { kind: 'report-location' },
        {
          jobId: 'j3',
          region: 'eu-west-3',
          startedAt,
          dispatch,
        },
      );

      // Assess
      expect(result).toMatchObject({ gCO2ePerKWh: 31, intensitySource: 'static', homeRegion: 'eu-central-1' });
    });
  });
});

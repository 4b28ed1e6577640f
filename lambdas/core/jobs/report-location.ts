import { qualityBand } from '../carbon/freshness';
import { regionFacts } from '../carbon/region-facts';
import { defineJob } from './job-definition';

/** Kind of the default job. */
export const REPORT_LOCATION_KIND = 'report-location';

/**
 * The default job: reports where and when it ran and the grid carbon intensity there. The intensity is the one
 * the dispatcher decided on (passed in the dispatch context, since a worker in a remote region has no table
 * access); when the worker was invoked directly, or for another region, the region's static annual average.
 */
export const reportLocationJob = defineJob<Record<string, unknown>>({
  kind: REPORT_LOCATION_KIND,
  description: 'reports where and when it ran and the carbon intensity there (the default job)',
  run(_job, context) {
    const facts = regionFacts(context.region);
    const dispatch = context.dispatch?.region === context.region ? context.dispatch : undefined;
    const gCO2ePerKWh = dispatch?.gCO2ePerKWh ?? facts?.staticGCO2ePerKWh ?? null;
    const ranAt = context.startedAt.toISOString();
    const source = dispatch ? `${dispatch.provider}, ${dispatch.origin}` : facts ? 'static annual average' : 'unknown';
    return {
      message:
        gCO2ePerKWh === null
          ? `ran in ${context.region} at ${ranAt}; no carbon intensity known for the region`
          : `ran in ${context.region} at ${ranAt}; grid intensity ${Math.round(gCO2ePerKWh)} gCO2e/kWh (${source})`,
      region: context.region,
      zone: dispatch?.zone ?? facts?.zone ?? null,
      ranAt,
      gCO2ePerKWh,
      quality: gCO2ePerKWh === null ? null : qualityBand(gCO2ePerKWh),
      intensitySource: dispatch ? 'dispatch' : facts ? 'static' : 'unknown',
      provider: dispatch?.provider ?? (facts ? 'static' : null),
      observedAt: dispatch?.observedAt ?? null,
      homeRegion: context.dispatch?.homeRegion ?? null,
      homeGCO2ePerKWh: context.dispatch?.homeGCO2ePerKWh ?? null,
      attempt: context.dispatch?.attempt ?? null,
    };
  },
});

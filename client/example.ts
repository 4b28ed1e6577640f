/**
 * A runnable example of the API client (docs/api.md, "The client"):
 *
 *   CARBON_API_URL=https://abc123.execute-api.eu-central-1.amazonaws.com AWS_REGION=eu-central-1 \
 *     npx tsx client/example.ts
 *
 * It asks "is now a clean time, and where?": the health, the regions cleanest first, and where a 2 kWh job would
 * emit least now. Credentials come from the SDK's default chain (AWS_PROFILE, SSO, roles, …).
 */
import { defaultCredentials } from './credentials';
import { ApiError, SustainabilityApiClient } from './index';

async function main(): Promise<void> {
  const baseUrl = process.env.CARBON_API_URL;
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!baseUrl || !region) {
    console.error('set CARBON_API_URL (stack output ApiUrl) and AWS_REGION (the home region)');
    process.exit(2);
  }
  const api = new SustainabilityApiClient({ baseUrl, region, credentials: defaultCredentials({ region }) });
  const health = await api.health();
  console.log(`health: ${health.status}; open alarms: ${health.alarms.map((a) => a.name).join(', ') || 'none'}`);
  const { regions } = await api.regions();
  for (const r of regions.slice(0, 5)) {
    console.log(`${r.region.padEnd(16)} ${r.gCO2ePerKWh.toFixed(0).padStart(5)} gCO2e/kWh ${r.quality} (${r.origin})`);
  }
  const estimate = await api.estimate({ kWh: 2 });
  console.log(
    `a 2 kWh job: ${estimate.now.emissionsGrams.toFixed(0)} g in ${estimate.now.region} now, ` +
      `${estimate.bestRegion.emissionsGrams.toFixed(0)} g in ${estimate.bestRegion.region} (${estimate.bestRegion.savingsPercent.toFixed(0)} % less)`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ApiError ? error.message : error);
  process.exit(1);
});

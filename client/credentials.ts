import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * The AWS SDK's default credential chain (environment, shared config and SSO, profiles, container and instance
 * roles) as a provider for the API client, without another dependency: the chain a DynamoDB client of the product's
 * SDK resolves. `profile` selects a named profile like `--profile`.
 */
export function defaultCredentials(options: { region: string; profile?: string }): AwsCredentialIdentityProvider {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.profile ? { profile: options.profile } : {}),
  });
  return () => client.config.credentials();
}

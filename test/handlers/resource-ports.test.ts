import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lambdas/core/config/resolve';
import { resourcePortsFromEnvironment } from '../../lambdas/handlers/shared/resource-ports';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const BUS = 'arn:aws:events:eu-central-1:123456789012:event-bus/default';

describe('Module: resource-ports', () => {
  describe('Function: resourcePortsFromEnvironment', () => {
    it('wires nothing without HOME_EVENT_BUS_ARN (a deployment without the resource permissions)', () => {
      expect(resourcePortsFromEnvironment({}, doc, 'table', resolveConfig({}))).toBeUndefined();
    });

    it('wires the fleets, the state store, the publisher on the bus and its account, and no tagger by default', () => {
      // Act
      const ports = resourcePortsFromEnvironment({ HOME_EVENT_BUS_ARN: BUS }, doc, 'table', resolveConfig({}));

      // Assess
      expect(ports).toBeDefined();
      expect(ports!.databases).toBeDefined();
      expect(ports!.groups).toBeDefined();
      expect(ports!.resourceStates).toBeDefined();
      expect(ports!.events).toBeDefined();
      expect(ports!.accountId).toBe('123456789012');
      expect(ports!.informationTagger).toBeUndefined();
    });

    it('wires the informational tagger with resources.informationTags', () => {
      const ports = resourcePortsFromEnvironment(
        { HOME_EVENT_BUS_ARN: BUS },
        doc,
        'table',
        resolveConfig({ resources: { informationTags: true } }),
      );
      expect(ports!.informationTagger).toBeDefined();
    });
  });
});

/**
 * Public API of the resource model (docs/resources.md): EC2 instances, RDS DB instances, DB clusters (Aurora,
 * Neptune, DocumentDB) and Auto Scaling groups behind one abstraction, their decisions, start order and accounting.
 */
export {
  ec2TwinOf,
  NO_RDS_PRICES,
  type RdsPriceBook,
  type RdsPriceListEngine,
  type RdsPriceQuery,
  type ResourceAccountingInput,
  type ResourceHour,
  rdsPriceListEngine,
  resourceHour,
  snapshotRdsPriceBook,
} from './accounting';
export {
  DEFAULT_RESOURCES_CONFIG,
  type ResourcesConfig,
  resourcesConfigProblems,
  resourcesConfigSchema,
} from './config';
export {
  capacityOf,
  type DecideResourceInput,
  decideResource,
  defaultStartSizes,
  groupSizesDecision,
  type ResourceCarbonSummary,
  type ResourceDecision,
  type ResourceDecisionConfig,
  type ResourceDecisionKind,
  resourceCarbonSummary,
  type StoredResourceState,
  schedulesOf,
} from './decide';
export { type Desire, type DesireInput, desiredForResource, resourcePolicyThreshold } from './desire';
export {
  inMaintenanceWindow,
  MAINTENANCE_LEAD_MINUTES,
  type MaintenanceWindow,
  parseMaintenanceWindow,
} from './maintenance-window';
export { applyOrder, applyStartOrder } from './order';
export type {
  InformationTagger,
  ResourceHistoryEntry,
  ResourceStateRecord,
  ResourceStateStore,
  SchedulingEventSink,
} from './ports';
export { autoRestartDue, dbClusterLimit, RDS_MAX_STOPPED_DAYS, rdsInstanceLimit } from './rds-rules';
export {
  formatResourceReason,
  formatResourceStep,
  type ResourceReason,
  type ResourceReasonStep,
  type ResourceRuleId,
  resourceRuleIds,
  resourceStep,
} from './reason';
export {
  type Ec2DecisionHook,
  type ExecutedResourceDecision,
  ec2AsResourceDecision,
  LAST_ACTION_TAG,
  LAST_ERROR_TAG,
  planLine,
  type RegionResultWithResources,
  type ResourceCalls,
  type ResourcePlanLine,
  type ResourcePorts,
  type ResourceRegionInput,
  type ResourceRegionResult,
  scheduleRegionWithResources,
} from './run-resources';
export { groupState, isKnownRdsStatus, lifecycleOf, rdsState } from './state';
export {
  DEFAULT_APPLICATION_TAG,
  DEFAULT_OPT_OUT_VALUES,
  optOutValue,
  parseSizesTag,
  parseStartOrderTag,
  SIZES_TAG,
  START_ORDER_TAG,
  sizesText,
} from './tags';
export {
  type AutoScalingGroupResource,
  type DbClusterMember,
  type DbClusterResource,
  type Ec2InstanceResource,
  ec2Resource,
  type GroupInstance,
  type GroupSizes,
  type RdsInstanceResource,
  RESOURCE_ACTIONS,
  RESOURCE_TYPE_NAMES,
  RESOURCE_TYPES,
  type Resource,
  type ResourceAction,
  type ResourceState,
  type ResourceType,
  resourceKey,
} from './types';

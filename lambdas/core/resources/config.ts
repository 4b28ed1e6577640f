import * as z from 'zod';
import { normalizeScheduleName } from '../schedule/registry';
import { DEFAULT_APPLICATION_TAG, DEFAULT_OPT_OUT_VALUES } from './tags';
import { RESOURCE_TYPES, type ResourceType } from './types';

/**
 * The `resources` section of the configuration: opt-out values and the start order between the resources of one
 * application (docs/resources.md). Shared by the CDK app, the Lambdas and the CLI through the one config schema.
 */
export const resourcesConfigSchema = z
  .object({
    /**
     * `Schedule` tag values that mean "never touch" (compared like schedule names: case, spaces, underscores and
     * dashes ignored). A resource tagged with one is reported as opted out, never as a bad tag, and never acted on.
     */
    optOutValues: z
      .array(
        z
          .string()
          .min(1)
          .max(256)
          .refine((value) => normalizeScheduleName(value) !== '', {
            error: (issue) => `${JSON.stringify(issue.input)} is blank; an opt-out value needs letters or digits`,
          }),
      )
      .default([...DEFAULT_OPT_OUT_VALUES]),
    /** Tag key naming the application a resource belongs to; the start order applies within one application. */
    applicationTag: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, { error: 'applicationTag must be a valid tag key' })
      .default(DEFAULT_APPLICATION_TAG),
    /**
     * Start order by resource type within an application, first to last, e.g.
     * `["rds-cluster", "rds-instance", "autoscaling-group", "ec2-instance"]` (databases before the instances that use
     * them). A `ScheduleStartOrder` tag overrides the position of one resource. Absent: only tags order starts.
     */
    startOrder: z
      .array(
        z.custom<ResourceType>((value) => (RESOURCE_TYPES as readonly unknown[]).includes(value), {
          error: (issue) =>
            `${JSON.stringify(issue.input)} is not a resource type; allowed: ${RESOURCE_TYPES.map((t) => JSON.stringify(t)).join(', ')}`,
        }),
      )
      .min(1)
      .refine((types) => new Set(types).size === types.length, { error: 'startOrder lists a resource type twice' })
      .optional(),
    /**
     * Write the informational tags `ScheduleLastAction` (e.g. `stop 2026-11-23T18:00Z ok`) and `ScheduleLastError` on
     * the RDS DB instances, DB clusters and Auto Scaling groups the scheduler acts on. Off by default: tags written
     * by the scheduler show as drift to CloudFormation, CDK or Terraform stacks that own the resource, and need the
     * tagging permissions (docs/resources.md, "Events and notifications").
     */
    informationTags: z.boolean().default(false),
    /**
     * An SNS topic for the `Scheduling Action` / `Scheduling Error` events of the product's bus, filtered by
     * severity (an EventBridge rule with an SNS target; subscribe e-mail addresses, or AWS Chatbot to the topic).
     * Absent: no topic.
     */
    notifications: z
      .object({
        /** Severities sent to the topic (`info` = every action, `warning` = failures retried by themselves). */
        severities: z
          .array(z.enum(['info', 'warning', 'error']))
          .min(1)
          .refine((values) => new Set(values).size === values.length, { error: 'severities lists a value twice' })
          .default(['error']),
        /** E-mail addresses subscribed to the topic (each must confirm the subscription). */
        emails: z.array(z.email()).default([]),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The parsed `resources` section. */
export type ResourcesConfig = z.output<typeof resourcesConfigSchema>;

/** The defaults of the `resources` section. */
export const DEFAULT_RESOURCES_CONFIG: ResourcesConfig = resourcesConfigSchema.parse({});

/**
 * Problems of the `resources` section against the schedules: a user schedule whose name is an opt-out value could
 * never be used, so it is refused (with both names).
 * @param scheduleNames the `name` of every schedule definition that has one
 */
export function resourcesConfigProblems(resources: ResourcesConfig, scheduleNames: readonly string[]): string[] {
  const problems: string[] = [];
  for (const value of resources.optOutValues) {
    const clash = scheduleNames.find((name) => normalizeScheduleName(name) === normalizeScheduleName(value));
    if (clash !== undefined) {
      problems.push(
        `the schedule "${clash}" has the name of the opt-out value "${value}" (resources.optOutValues); rename one`,
      );
    }
  }
  return problems;
}

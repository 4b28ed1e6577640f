import { describe, expect, it } from 'vitest';
import { synthesize } from './app-factory';
import { actionsOf, roleStatements } from './role-statements';

const INSTANCES = ['arn:aws:ec2:eu-central-1:123456789012:instance/*'];
const OFFICE_HOURS_AS_LARGE = {
  name: 'office-large',
  periods: [{ weekdays: 'mon-fri', begintime: '08:00', endtime: '18:00', instanceType: 'm5.large' }],
};

/** Every statement of every role in every stack of a configuration that allows `action`. */
function statementsAllowing(config: unknown, action: string) {
  const { stacks, all } = synthesize(config);
  const roles = [...stacks.controlPlane.functions, ...stacks.workers.map((w) => w.worker)].map((fn) => fn.role);
  return all.flatMap(({ template }) =>
    roles.flatMap((role) => {
      try {
        return roleStatements(template, role).filter((s) => actionsOf(s).includes(action));
      } catch {
        return [];
      }
    }),
  );
}

describe('Module: EC2 resize grant (ec2:ModifyInstanceAttribute)', () => {
  it.each([
    ['the default configuration', {}],
    ['rightsizing off', { rightsizing: { enabled: false } }],
    ['defaultMode recommend, no allowAutoResize', { rightsizing: { defaultMode: 'recommend' } }],
    ['allowAutoResize with rightsizing disabled', { rightsizing: { enabled: false, allowAutoResize: true } }],
  ])('is held by no role with %s', (_name, config) => {
    // Act / Assess
    expect(statementsAllowing(config, 'ec2:ModifyInstanceAttribute')).toEqual([]);
    // Start and stop stay, on the schedule tag.
    expect(statementsAllowing(config, 'ec2:StartInstances')).toEqual([
      {
        Sid: 'StartStopScheduleTaggedInstances',
        Effect: 'Allow',
        Action: ['ec2:StartInstances', 'ec2:StopInstances'],
        Resource: 'arn:aws:ec2:eu-central-1:123456789012:instance/*',
        Condition: { Null: { 'aws:ResourceTag/Schedule': 'false' } },
      },
    ]);
  });

  it('with allowAutoResize: only the scheduler, only the instance type, only on Rightsize=auto and Schedule-tagged instances', () => {
    // Act
    const statements = statementsAllowing({ rightsizing: { allowAutoResize: true } }, 'ec2:ModifyInstanceAttribute');

    // Assess
    expect(statements).toEqual([
      {
        Sid: 'ModifyOnlyTheInstanceTypeOfOptedInInstances',
        Effect: 'Allow',
        Action: 'ec2:ModifyInstanceAttribute',
        Resource: INSTANCES[0],
        Condition: {
          Null: { 'ec2:Attribute/InstanceType': 'false', 'aws:ResourceTag/Schedule': 'false' },
          StringEqualsIgnoreCase: { 'aws:ResourceTag/Rightsize': 'auto' },
        },
      },
    ]);
  });

  it.each([
    ['defaultMode auto', { rightsizing: { defaultMode: 'auto' } }],
    ['a period with instanceType', { schedules: [OFFICE_HOURS_AS_LARGE] }],
    [
      'a period with instanceType and rightsizing off',
      { rightsizing: { enabled: false }, schedules: [OFFICE_HOURS_AS_LARGE] },
    ],
  ])('with %s: only the instance type, on Schedule-tagged instances', (_name, config) => {
    // Act
    const statements = statementsAllowing(config, 'ec2:ModifyInstanceAttribute');

    // Assess
    expect(statements).toEqual([
      {
        Sid: 'ModifyOnlyTheInstanceTypeOfOptedInInstances',
        Effect: 'Allow',
        Action: 'ec2:ModifyInstanceAttribute',
        Resource: INSTANCES[0],
        Condition: { Null: { 'ec2:Attribute/InstanceType': 'false', 'aws:ResourceTag/Schedule': 'false' } },
      },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { synthesize } from './app-factory';
import { actionsOf, roleStatements, type Statement } from './role-statements';

const ALL = { rightsizing: { enabled: true } };

/** The DynamoDB statements of a function's role, as { 'actions': 'leading keys' } (worked out from each store's code). */
function tableAccess(name: 'fetcher' | 'scheduler' | 'rightsizer' | 'dispatcher' | 'outcomeRecorder') {
  const { stacks, controlPlane } = synthesize(ALL);
  const fn = stacks.controlPlane[name];
  if (!fn) throw new Error(`no ${name}`);
  return Object.fromEntries(
    roleStatements(controlPlane, fn.role)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .map((s: Statement) => [
        actionsOf(s).sort().join(' '),
        ([] as string[])
          .concat((s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[] | undefined) ?? [])
          .join(' ') || 'NONE',
      ]),
  );
}

describe('Module: DynamoDB least privilege (dynamodb:LeadingKeys per function)', () => {
  it('the carbon fetcher reads and writes CARBON# items only', () => {
    expect(tableAccess('fetcher')).toEqual({
      'dynamodb:BatchGetItem dynamodb:BatchWriteItem dynamodb:PutItem dynamodb:Query': 'CARBON#*',
    });
  });

  it('the scheduler: carbon read-only, its state, append-only history, savings, the lease, rightsizing markers', () => {
    expect(tableAccess('scheduler')).toEqual({
      'dynamodb:BatchGetItem dynamodb:Query': 'CARBON#*',
      // intents and fenced records (PutItem), the fence claim (UpdateItem), unfenced records and settled intents
      'dynamodb:BatchWriteItem dynamodb:PutItem dynamodb:Query dynamodb:UpdateItem': 'INSTANCE#*',
      'dynamodb:PutItem': 'HISTORY#*',
      'dynamodb:UpdateItem': 'SAVINGS#* SAVINGS_TOTAL#*',
      // acquire, renew and release are conditional UpdateItems; GetItem reads the holder when taken
      'dynamodb:GetItem dynamodb:UpdateItem': 'LEASE',
      'dynamodb:DeleteItem dynamodb:Query dynamodb:UpdateItem': 'RIGHTSIZING#*',
      // RDS, Aurora and Auto Scaling state and history (the resource state store's Query and batched puts)
      'dynamodb:BatchWriteItem dynamodb:Query': 'RESOURCE#*',
      'dynamodb:BatchWriteItem': 'RESOURCE_HISTORY#*',
    });
  });

  it('the rightsizer writes RIGHTSIZING# items only', () => {
    expect(tableAccess('rightsizer')).toEqual({
      'dynamodb:BatchWriteItem dynamodb:DeleteItem dynamodb:GetItem dynamodb:PutItem dynamodb:Query': 'RIGHTSIZING#*',
    });
  });

  it('the dispatcher: carbon read-only, its job decisions and their day index', () => {
    expect(tableAccess('dispatcher')).toEqual({
      'dynamodb:BatchGetItem dynamodb:Query': 'CARBON#*',
      'dynamodb:DeleteItem dynamodb:PutItem dynamodb:Query dynamodb:UpdateItem': 'JOB#*',
      'dynamodb:PutItem': 'JOBS#*',
    });
  });

  it('the outcome recorder reads a job and writes its outcome, nothing else', () => {
    expect(tableAccess('outcomeRecorder')).toEqual({ 'dynamodb:PutItem dynamodb:Query': 'JOB#*' });
  });

  it('no role anywhere holds Scan, a dynamodb:* wildcard or unconditioned table access; only the scheduler touches LEASE or writes HISTORY#', () => {
    // Prepare
    for (const config of [{}, ALL]) {
      const { all } = synthesize(config);
      for (const { template } of all) {
        for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
          for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
            const actions = actionsOf(statement).filter((a) => a.startsWith('dynamodb:'));
            if (actions.length === 0) continue;
            // Assess
            expect(actions).not.toContain('dynamodb:Scan');
            expect(actions.some((a) => a.includes('*'))).toBe(false);
            const keys = ([] as string[]).concat(
              (statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[]) ?? [],
            );
            expect(keys.length).toBeGreaterThan(0);
            const writes = actions.filter(
              (a) => !['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'].includes(a),
            );
            if (keys.includes('LEASE')) expect(JSON.stringify(policy.Properties.Roles)).toContain('Scheduler');
            // Only the scheduler writes history, and only by PutItem; the HTTP API may read it
            if (keys.includes('HISTORY#*') && writes.length > 0) {
              expect(JSON.stringify(policy.Properties.Roles)).toContain('Scheduler');
              expect(actions).toEqual(['dynamodb:PutItem']);
            }
          }
        }
      }
    }
  });
});

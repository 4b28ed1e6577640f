/** One-line descriptions of the commands, shown by `carbon-scheduler --help` and by each command's help. */
export const SUMMARIES = {
  regions: 'rank regions by adjusted carbon intensity (live when keys are set, static otherwise)',
  status: 'current carbon intensity of one region, its threshold and forecast',
  schedule: 'check schedules, list their next transitions and their usage (hours, dollars, CO2e) per day',
  plan: 'show what the scheduler would do for a fleet (the JSON of "aws ec2 describe-instances")',
  estimate: 'estimate the emissions and cost of a job now, in the best region and at the best time',
  rightsizing: 'rightsizing recommendations from a describe-instances file and a get-metric-data export',
  backtest: 'replay historical carbon data through the decision code: shift, dispatch or pause',
  report: 'write a cost and carbon report (JSON, CSV or a self-contained HTML page with charts)',
} as const;

export type CommandName = keyof typeof SUMMARIES;

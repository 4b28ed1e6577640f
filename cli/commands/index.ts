import type { Command } from 'commander';
import type { CliContext } from '../context';

/** A command registers itself on the program; the context carries clock, env and output streams. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/**
 * The commands, in help order. Each is loaded only when it runs (or its help is asked for), so `--help` and
 * `--version` start without loading the AWS SDK, zod or the decision code.
 */
export const COMMANDS: readonly { readonly name: string; readonly load: () => Promise<RegisterCommand> }[] = [
  { name: 'regions', load: async () => (await import('./regions')).registerRegions },
  { name: 'status', load: async () => (await import('./status')).registerStatus },
  { name: 'schedule', load: async () => (await import('./schedule')).registerSchedule },
  { name: 'plan', load: async () => (await import('./plan')).registerPlan },
  { name: 'estimate', load: async () => (await import('./estimate')).registerEstimate },
  { name: 'rightsizing', load: async () => (await import('./rightsizing')).registerRightsizing },
  { name: 'backtest', load: async () => (await import('./backtest')).registerBacktest },
  { name: 'report', load: async () => (await import('./report')).registerReport },
];

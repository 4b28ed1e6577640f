import type { Command } from 'commander';
import type { CliContext } from '../context';
import { registerBacktest } from './backtest';
import { registerEstimate } from './estimate';
import { registerPlan } from './plan';
import { registerRegions } from './regions';
import { registerReport } from './report';
import { registerRightsizing } from './rightsizing';
import { registerSchedule } from './schedule';
import { registerStatus } from './status';

/** A command registers itself on the program; the context carries clock, env and output streams. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const commands: readonly RegisterCommand[] = [
  registerRegions,
  registerStatus,
  registerSchedule,
  registerPlan,
  registerEstimate,
  registerRightsizing,
  registerBacktest,
  registerReport,
];

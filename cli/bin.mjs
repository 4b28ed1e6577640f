#!/usr/bin/env node
// Entry point of the `carbon-scheduler` command: loads the TypeScript CLI through tsx's loader so the
// product ships one source tree without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

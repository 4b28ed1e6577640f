/**
 * Names only the CDK app uses. Names the stacks and the Lambdas must agree on (function names, event names, the
 * deferral schedule group) are in the contract module, lambdas/contract/.
 */

/** Name of the control-plane stack (home region). */
export const controlPlaneStackName = 'CarbonAwareScheduler-ControlPlane';
/** Name of the worker stack in `region`. */
export const workerStackName = (region: string): string => `CarbonAwareScheduler-Worker-${region}`;

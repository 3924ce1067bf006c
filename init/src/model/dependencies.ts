/**
 * Whether a dependency satisfies a dependant's condition. Pure.
 *
 *   started: the dependency's process is up (starting or running), or a oneshot finished well
 *   ready:   it is running (its ready probe passed), or a oneshot finished well
 *   healthy: it is running and its last health check passed
 */
import type { DependencyCondition } from '../../../contract/index.ts';
import type { ServiceRuntime } from './service.ts';

export function conditionMet(condition: DependencyCondition, dependency: ServiceRuntime): boolean {
  const finishedWell = dependency.state === 'exited' && dependency.lastExit?.exited === true && dependency.lastExit.code === 0;
  switch (condition) {
    case 'started':
      return dependency.state === 'starting' || dependency.state === 'running' || finishedWell;
    case 'ready':
      return dependency.state === 'running' || finishedWell;
    case 'healthy':
      return dependency.state === 'running' && dependency.health === 'healthy';
  }
}

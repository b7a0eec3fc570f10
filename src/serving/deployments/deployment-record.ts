import type { CanaryHalt, DeploymentSpec, DeploymentStatus } from './deployment-spec.js';

/**
 * A stored deployment: its spec, the generation of that spec (1 at creation, one more on every
 * change), and the status a serving process last reported (null until one has).
 */
export interface DeploymentRecord {
  readonly spec: DeploymentSpec;
  readonly generation: number;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly status: DeploymentStatus | null;
  /** The generation `status` was reported for, when the reporter said (see DeploymentsService.saveStatus). */
  readonly statusGeneration: number | null;
}

/** What a serving process needs of a deployment. */
export interface ServableDeployment {
  readonly spec: DeploymentSpec;
  readonly generation: number;
  /**
   * A deployment deleted and created again under the same name starts over at generation 1:
   * (createdAt, generation) tells the two apart.
   */
  readonly createdAt: number;
  /** A canary halt on record (a serving process that starts keeps the canary halted); null after any change. */
  readonly canaryHalt: CanaryHalt | null;
}

/** What changed in the set of deployments; a listener re-reads what it needs. */
export interface DeploymentChange {
  readonly kind: 'created' | 'updated' | 'deleted';
  readonly name: string;
  /** The new generation; null after a deletion. */
  readonly generation: number | null;
}

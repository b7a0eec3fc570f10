import { Readable } from 'node:stream';
import type { AssayContext } from '../../../../src/context.js';
import { fixturePath } from '../../../runtime/support/fixture-tables.js';

/**
 * The registry the deployment tests define deployments over: `fraud` versions 1 and 2
 * (production -> 1, challenger -> 2), `other` version 1, and `broken` version 1, which failed
 * registration (a version Assay cannot run).
 */
export async function registerDeploymentModels(assay: AssayContext): Promise<void> {
  const context = { actor: 'tester' };
  const register = (name: string, file: string) =>
    assay.modelRegistration.registerModelFile(name, fixturePath('breast_cancer', file), context);
  await register('fraud', 'bc-logreg-v1.onnx');
  await register('fraud', 'bc-mlp-v2.onnx');
  await register('other', 'bc-logreg-v1.onnx');
  await assay.modelAliases.set('fraud', 'production', '1', context);
  await assay.modelAliases.set('fraud', 'challenger', '2', context);
  await assay.modelRegistration
    .registerModelFile('broken', Readable.from([Buffer.from('not a model')]), context)
    .catch(() => undefined);
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { InvalidStateError } from '../../errors/assay-error.js';
import { resolveModelVersion, selector } from '../../operations/model-refs.js';
import type { RunnableModel } from '../../registry/model-registration-service.js';
import type { ModelSpec } from '../../runtime/model-spec.js';

const VersionParams = Type.Object({ name: Type.String(), selector: Type.String() });

/** What a serving process needs to run a version, before it downloads the model file. */
export interface RunnableModelView {
  readonly name: string;
  readonly version: number;
  /** The spec as recorded at registration, field for field (it is JSON already). */
  readonly spec: ModelSpec;
}

/**
 * Models for serving processes that read the registry over HTTP (`assay serve --uri`): a runnable
 * version's spec, and its ONNX file. `:selector` is a version number or an alias, as in
 * `/models/:name/versions/:selector`. A version Assay cannot run (its registration failed, or its
 * source is not ONNX) is refused with INVALID_STATE and the reason.
 */
export const runnableModelRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (
  app,
  { context },
) => {
  const runnable = async (name: string, text: string): Promise<RunnableModel> => {
    const version = await resolveModelVersion(context.registeredModels, selector(name, text));
    return context.modelRegistration.getRunnable(name, version);
  };

  app.get(
    '/models/:name/versions/:selector/runnable',
    { schema: { params: VersionParams } },
    async (request): Promise<RunnableModelView> => {
      const model = await runnable(request.params.name, request.params.selector);
      return { name: model.name, version: model.version, spec: model.spec };
    },
  );

  // Streamed from the store: a 2 GiB model is never held whole by the server. The client checks the
  // bytes against the sha256 it was sent (here as a header, and in the spec). HEAD is not offered:
  // Fastify's automatic one would read the whole file to discard it.
  app.get(
    '/models/:name/versions/:selector/runnable/model',
    { schema: { params: VersionParams }, exposeHeadRoute: false },
    async (request, reply) => {
      const model = await runnable(request.params.name, request.params.selector);
      const { stream, size } = await context.artifactStore.read(model.artifactPath);
      if (size !== model.spec.sizeBytes) {
        stream.destroy();
        throw new InvalidStateError(
          `The model file of ${model.name}/${model.version} ('${model.artifactPath}') changed since registration: ${size} bytes, registered ${model.spec.sizeBytes}`,
        );
      }
      return reply
        .headers({
          'content-type': 'application/octet-stream',
          'content-length': size,
          'x-assay-sha256': model.spec.sha256,
          // The version an alias named at this moment: what a client that asked by alias received.
          'x-assay-model-version': model.version,
        })
        .send(stream);
    },
  );
};

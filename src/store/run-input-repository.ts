import { randomUUID } from 'node:crypto';
import type { DatasetInput } from '../tracking/entities.js';
import type { Executor } from './executor.js';

const DATASET = 'DATASET';
const RUN = 'RUN';

/** Dataset inputs of runs (MLflow's `log_input`): datasets, input edges and their tags. */
export class RunInputRepository {
  /**
   * Records that `runId` used each dataset. A dataset is reused per experiment by (name, digest);
   * an edge that already exists keeps its original tags, as in MLflow.
   */
  async logInputs(
    db: Executor,
    runId: string,
    experimentId: number,
    inputs: readonly DatasetInput[],
  ): Promise<void> {
    for (const input of inputs) {
      const { dataset } = input;
      let datasetId = (
        await db
          .selectFrom('datasets')
          .select('dataset_uuid')
          .where('experiment_id', '=', experimentId)
          .where('name', '=', dataset.name)
          .where('digest', '=', dataset.digest)
          .executeTakeFirst()
      )?.dataset_uuid;
      if (!datasetId) {
        datasetId = randomUUID().replace(/-/g, '');
        await db
          .insertInto('datasets')
          .values({
            dataset_uuid: datasetId,
            experiment_id: experimentId,
            name: dataset.name,
            digest: dataset.digest,
            source_type: dataset.sourceType,
            source: dataset.source,
            schema: dataset.schema,
            profile: dataset.profile,
          })
          .execute();
      }
      const existing = await db
        .selectFrom('inputs')
        .select('input_uuid')
        .where('source_type', '=', DATASET)
        .where('source_id', '=', datasetId)
        .where('destination_type', '=', RUN)
        .where('destination_id', '=', runId)
        .executeTakeFirst();
      if (existing) continue;
      const inputId = randomUUID().replace(/-/g, '');
      await db
        .insertInto('inputs')
        .values({
          input_uuid: inputId,
          source_type: DATASET,
          source_id: datasetId,
          destination_type: RUN,
          destination_id: runId,
        })
        .execute();
      if (input.tags.length > 0) {
        await db
          .insertInto('input_tags')
          .values(input.tags.map((tag) => ({ input_uuid: inputId, name: tag.key, value: tag.value })))
          .onConflict((oc) =>
            oc.columns(['input_uuid', 'name']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
          )
          .execute();
      }
    }
  }

  async loadForRuns(db: Executor, runIds: readonly string[]): Promise<Map<string, DatasetInput[]>> {
    const result = new Map<string, DatasetInput[]>();
    if (runIds.length === 0) return result;
    const rows = await db
      .selectFrom('inputs as i')
      .innerJoin('datasets as d', 'd.dataset_uuid', 'i.source_id')
      .select([
        'i.input_uuid',
        'i.destination_id',
        'd.name',
        'd.digest',
        'd.source_type',
        'd.source',
        'd.schema',
        'd.profile',
      ])
      .where('i.destination_type', '=', RUN)
      .where('i.source_type', '=', DATASET)
      .where('i.destination_id', 'in', [...runIds])
      .orderBy('i.destination_id')
      .orderBy('d.name')
      .orderBy('d.digest')
      .execute();
    if (rows.length === 0) return result;
    const tags = await db
      .selectFrom('input_tags')
      .selectAll()
      .where(
        'input_uuid',
        'in',
        rows.map((row) => row.input_uuid),
      )
      .orderBy('name')
      .execute();
    const tagsByInput = new Map<string, { key: string; value: string }[]>();
    for (const tag of tags) {
      const list = tagsByInput.get(tag.input_uuid) ?? [];
      list.push({ key: tag.name, value: tag.value });
      tagsByInput.set(tag.input_uuid, list);
    }
    for (const row of rows) {
      const list = result.get(row.destination_id) ?? [];
      list.push({
        tags: tagsByInput.get(row.input_uuid) ?? [],
        dataset: {
          name: row.name,
          digest: row.digest,
          sourceType: row.source_type,
          source: row.source,
          schema: row.schema,
          profile: row.profile,
        },
      });
      result.set(row.destination_id, list);
    }
    return result;
  }
}

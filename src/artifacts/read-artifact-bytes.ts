import type { ArtifactStore } from './artifact-store.js';

/**
 * A stored file whole, in one read into one buffer of its size: collecting a stream's chunks and
 * joining them holds the file twice. With `limit`, a file larger than `maxBytes` is refused before
 * a byte is read.
 */
export async function readArtifactBytes(
  store: ArtifactStore,
  path: string,
  limit?: { readonly maxBytes: number; readonly tooLarge: () => Error },
): Promise<Buffer> {
  const file = await store.open(path);
  try {
    if (limit && file.size > limit.maxBytes) throw limit.tooLarge();
    const bytes = await file.read(0, file.size);
    if (bytes.length < file.size) throw new Error(`the stored file '${path}' is truncated`);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } finally {
    await file.close();
  }
}

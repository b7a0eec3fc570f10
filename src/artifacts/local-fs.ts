import type fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';

/** Where an artifact path leads in a local store. */
export type Located =
  /** `absolute` is the real path (or, for a last component not followed, the entry itself). */
  | { readonly kind: 'found'; readonly absolute: string; readonly stat: fs.Stats }
  /** Nothing there; `absolute` is where it would be. */
  | { readonly kind: 'missing'; readonly absolute: string }
  /** A parent component (`at`, relative) is a file. */
  | { readonly kind: 'blocked'; readonly at: string };

export async function lstatOrNull(file: string): Promise<fs.Stats | null> {
  try {
    return await fsp.lstat(file);
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return null;
    throw error;
  }
}

export async function statOrNull(file: string): Promise<fs.Stats | null> {
  try {
    return await fsp.stat(file);
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return null;
    throw error;
  }
}

/** The real path, or null when it cannot be resolved (dangling link, loop, vanished). */
export async function realpathOrNull(file: string): Promise<string | null> {
  try {
    return await fsp.realpath(file);
  } catch {
    return null;
  }
}

/**
 * The path the kernel has for an open file, via Linux's /proc/self/fd; null elsewhere (or when /proc
 * is not mounted), where the checks made before opening are all there is.
 */
export async function openedFilePath(handle: FileHandle): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  try {
    return await fsp.readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return null;
  }
}

/** Python's `sorted()` order for names (by code point), which UTF-8 byte order preserves. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

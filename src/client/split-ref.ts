import { ClientError } from './client-error.js';

/**
 * NAME@VERSION or NAME@ALIAS -> the name and what follows the last `@`, checked before anything is
 * sent, so that the CLI says the same embedded and against a server.
 */
export function splitRef(ref: string): { name: string; selector: string } {
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1) throw new ClientError(`'${ref}' is not NAME@VERSION or NAME@ALIAS`);
  return { name: ref.slice(0, at), selector: ref.slice(at + 1) };
}

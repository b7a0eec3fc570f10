import os from 'node:os';

/** Who runs the CLI, for the audit log: ASSAY_USER, else the operating system's user name. */
export function cliActor(): string {
  const declared = process.env.ASSAY_USER?.trim();
  if (declared) return declared;
  try {
    return os.userInfo().username || 'anonymous';
  } catch {
    return 'anonymous';
  }
}

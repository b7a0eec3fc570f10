/** A command used wrongly, found after commander parsed it: printed as one line, exit code 2. */
export class UsageError extends Error {}

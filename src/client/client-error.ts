/** A failure the CLI reports in one line (from the server's message, or a connection problem). */
export class ClientError extends Error {}

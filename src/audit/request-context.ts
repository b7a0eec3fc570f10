/**
 * Who is asking, and why: what a service needs to know about a request besides its parameters.
 * Routes build it from HTTP (see src/server/request-context.ts); the CLI and tests build it directly.
 * Services never see HTTP.
 */
export interface RequestContext {
  /** The user name the client authenticated as or declared; "anonymous" when it gave none. */
  readonly actor: string;
  /** Why the change is made, when the caller says; MLflow's API has no word for it. */
  readonly reason?: string | null;
}

/**
 * Which function the code runs for. On Lambda a process runs one function, so there is no scope: the process is
 * the function. The local runtime loads every function into one process and runs each one's module load and
 * invocations with that function's scope (its id and environment) in their invocation context; runtimeEnv() and the
 * once() singletons are kept per scope, so each function sees only its own variables and builds its own clients,
 * as on Lambda. The runtime says how to find the scope of the code running now (it keeps it in the invoke store it
 * already runs every invocation in, rather than in one more AsyncLocalStorage, which would slow every promise).
 */

export interface FunctionScope {
  readonly functionId: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

let read: () => FunctionScope | undefined = () => undefined;

/** Installed by the local runtime (infra/local/functions.ts); never on Lambda. */
export const findFunctionScopeWith = (reader: () => FunctionScope | undefined): void => {
  read = reader;
};

/** The scope the code runs in; undefined on Lambda (and in tests and the CLI, which use the process's env). */
export const functionScope = (): FunctionScope | undefined => read();

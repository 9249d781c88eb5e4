/**
 * Loads the manifest's handlers in-process and invokes them the way Lambda does: one Lambda context per
 * invocation, each run inside its own invoke-store context (as on Lambda's multi-concurrency runtime), so that
 * Powertools keeps per-invocation log keys apart although many invocations run at once here.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../../functions/manifest';
import { type FunctionScope, findFunctionScopeWith } from '../../functions/wiring/scope';
import { codedError } from '../../shared/errors';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The invoke-store key of the function scope (functions/wiring/scope.ts) a module load or an invocation runs in. */
const FUNCTION_SCOPE = Symbol('quotaflow.functionScope');

/**
 * Must run before any AWS SDK or Powertools code asks for the invoke store: the first caller decides, for the whole
 * process, whether it is per-invocation (async-context) or one shared context.
 */
export const prepareConcurrentInvocations = async (): Promise<void> => {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '1000';
  const store = await InvokeStore.getInstanceAsync(true);
  if (!(store.constructor.name === 'InvokeStoreMulti')) {
    throw new Error('the invoke store was created before the local runtime could make it per-invocation');
  }
};

export class FunctionTimeoutError extends codedError('timeout') {
  override readonly name = 'FunctionTimeoutError';
}

export class LocalFunctions {
  private readonly handlers = new Map<
    string,
    { spec: FunctionSpec; handler: Handler; scope: FunctionScope }
  >();
  invocations = 0;

  constructor(
    private readonly root: string,
    private readonly arnPrefix: string,
  ) {}

  /**
   * Loads each function with its own environment (`envOf`): its module load and every invocation run in its
   * function scope (functions/wiring/scope.ts), where runtimeEnv() and the container's clients are its own.
   */
  async load(
    specs: readonly FunctionSpec[],
    envOf: (spec: FunctionSpec) => Record<string, string | undefined>,
  ): Promise<void> {
    const store = await InvokeStore.getInstanceAsync(true);
    findFunctionScopeWith(() => store.get<FunctionScope>(FUNCTION_SCOPE));
    for (const spec of specs) {
      const scope: FunctionScope = { functionId: spec.id, env: envOf(spec) };
      // Module init (Lambda's INIT phase) runs in a context of its own: Powertools writes per-invocation state
      // while handlers' modules load, and the per-invocation store refuses writes outside any context.
      const mod = (await store.run(
        { [FUNCTION_SCOPE]: scope },
        () => import(pathToFileURL(resolve(this.root, spec.entry)).href),
      )) as { handler?: Handler };
      if (typeof mod.handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
      this.handlers.set(spec.id, { spec, handler: mod.handler, scope });
    }
  }

  arnOf(id: string): string {
    return `${this.arnPrefix}${id}`;
  }

  idForArn(arn: string): string | undefined {
    const id = arn.startsWith(this.arnPrefix) ? arn.slice(this.arnPrefix.length) : undefined;
    return id && this.handlers.has(id) ? id : undefined;
  }

  async invoke(id: string, event: unknown): Promise<unknown> {
    const fn = this.handlers.get(id);
    if (!fn) throw new Error(`no function ${id}`);
    this.invocations++;
    const requestId = randomUUID();
    const timeoutMs = (fn.spec.timeoutSeconds ?? 10) * 1000;
    const deadline = Date.now() + timeoutMs;
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: id,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.arnOf(id),
      memoryLimitInMB: String(fn.spec.memoryMb ?? 256),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${id}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } satisfies Context;
    const store = await InvokeStore.getInstanceAsync(true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(`${id} timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([
        store.run(
          { [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId, [FUNCTION_SCOPE]: fn.scope },
          () => fn.handler(event, context),
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

import { functionScope } from './scope';

/** The key of values built outside any function scope (on Lambda: all of them). */
const PROCESS = {};

/**
 * A lazily built, per-container singleton: clients are created on first use and reused across invocations. Kept
 * per function scope (scope.ts), so in the local runtime each function builds its own from its own environment.
 * Calling it has no side effect, so callers mark module-level calls with esbuild's pure annotation: a bundle then drops the
 * singletons its function never uses (and the repositories and clients they import).
 */
export const once = <T>(make: () => T): (() => T) => {
  const values = new WeakMap<object, T>();
  return () => {
    const key = functionScope() ?? PROCESS;
    let value = values.get(key);
    if (value === undefined) {
      value = make();
      values.set(key, value);
    }
    return value;
  };
};

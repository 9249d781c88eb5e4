/** `load` at most once per `ttlMs` (on the given clock); a failed load is not kept. */
export const cachedFor = <T>(ttlMs: number, now: () => Date, load: () => Promise<T>): (() => Promise<T>) => {
  let value: { at: number; pending: Promise<T> } | undefined;
  return () => {
    const t = now().getTime();
    if (!value || t - value.at >= ttlMs) {
      const pending = load().catch((err: unknown) => {
        value = undefined;
        throw err;
      });
      value = { at: t, pending };
    }
    return value.pending;
  };
};

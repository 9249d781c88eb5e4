/** A per-container builder that does not cache a failed build (secrets unreachable, CRM not connected yet). */
export const retryingOnce = <T>(build: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= build().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
};

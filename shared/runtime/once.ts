/** A lazily built, per-container singleton: clients are created on first use and reused across invocations. */
export const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

/**
 * A preload (`node --import`) that moves this process's wall clock by QUOTAFLOW_CLOCK_SHIFT_DAYS days, as if the
 * machine's clock read a later date: `npm run test:later` runs the whole suite under it, so a test that depends on
 * the day it runs fails today rather than next month. Child processes inherit it through NODE_OPTIONS.
 *
 * Only the wall clock moves (Date); timers and monotonic time (performance.now, process.hrtime) are untouched.
 */
const days = Number(process.env.QUOTAFLOW_CLOCK_SHIFT_DAYS ?? '0');
if (!Number.isFinite(days)) throw new Error('QUOTAFLOW_CLOCK_SHIFT_DAYS must be a number of days');
const shiftMs = Math.round(days * 86_400_000);

if (shiftMs !== 0 && !globalThis.Date.__shifted) {
  const RealDate = globalThis.Date;
  const now = () => RealDate.now() + shiftMs;
  // A subclass keeps instanceof, the prototype and every static (parse, UTC) intact.
  // biome-ignore lint/suspicious/noShadowRestrictedNames: named Date so that printed dates read as usual
  const ShiftedDate = class Date extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now());
      else super(...args);
    }
    static now() {
      return now();
    }
  };
  // `Date()` called without new returns the current time as a string.
  const callable = new Proxy(ShiftedDate, {
    apply: () => new RealDate(now()).toString(),
  });
  Object.defineProperty(callable, '__shifted', { value: true });
  globalThis.Date = callable;
}

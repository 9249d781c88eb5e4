/**
 * The one clock. On AWS it is the system clock; the local runtime replaces it with its controllable clock so that
 * signature windows, schedules and stored timestamps all agree when a test or a person moves time forward.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let current: Clock = systemClock;

export const clock = (): Clock => current;

/** Only the local runtime and tests call this. */
export const useClock = (c: Clock): void => {
  current = c;
};

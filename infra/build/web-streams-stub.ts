/**
 * Stands in for `node:stream/web` in Lambda bundles (see bundle-aliases.ts). Its one importer there is @middy/core,
 * which only asks `body instanceof ReadableStream` when a handler streams its response (streamifyResponse), which
 * no function does; importing the module itself makes Node load and compile its seven web-streams modules (about
 * 3 ms of CPU) at every cold start. This object answers the same `instanceof` through the global ReadableStream,
 * which Node loads only when it is first touched. Any other name imported from the module fails the bundle build.
 */
export const ReadableStream = {
  [Symbol.hasInstance]: (value: unknown): boolean => value instanceof globalThis.ReadableStream,
};

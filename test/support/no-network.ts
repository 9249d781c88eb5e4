/**
 * The unit tier's guard (vitest.config.ts setupFiles of the `unit` project): a unit test runs on pure code and
 * in-memory ports, so any socket it opens is a mistake. A connect (net, and so http, https and fetch) or an
 * http(s).request fails at once with a message saying where such a test belongs, and the test fails even if the
 * code under test swallowed the error.
 */
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { afterEach, expect } from 'vitest';

const opened: string[] = [];

const refuse = (what: string): never => {
  const message =
    `a unit test opened a socket (${what}). Unit tests use no network: give the code an in-memory port, ` +
    'or make the file an integration test (*.int.test.ts) that starts its local servers.';
  opened.push(message);
  throw new Error(message);
};

const target = (args: unknown[]): string => {
  const [first, second] = args;
  // net.connect() and friends call connect with their arguments already normalised into one array.
  if (Array.isArray(first)) return target(first);
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: string; hostname?: string; port?: number | string; path?: string };
    if (o.path && !o.port) return o.path;
    return `${o.hostname ?? o.host ?? 'localhost'}:${o.port ?? ''}`;
  }
  if (typeof first === 'string' && typeof second !== 'string') return String(first);
  return `${String(second ?? 'localhost')}:${String(first)}`;
};

net.Socket.prototype.connect = function connect(...args: unknown[]) {
  return refuse(`connect to ${target(args)}`);
} as typeof net.Socket.prototype.connect;

for (const [name, mod] of [
  ['http', http],
  ['https', https],
] as const) {
  const describeRequest = (args: unknown[]) => {
    const [first] = args;
    if (typeof first === 'string' || first instanceof URL) return String(first);
    const o = first as { host?: string; hostname?: string; port?: number; path?: string } | undefined;
    return `${o?.hostname ?? o?.host ?? 'localhost'}${o?.port ? `:${o.port}` : ''}${o?.path ?? ''}`;
  };
  mod.request = ((...args: unknown[]) =>
    refuse(`${name} request to ${describeRequest(args)}`)) as typeof mod.request;
  mod.get = ((...args: unknown[]) => refuse(`${name} request to ${describeRequest(args)}`)) as typeof mod.get;
}

// Named imports (`import { request } from 'node:http'`) see the replacements too.
syncBuiltinESMExports();

/** For the guard's own test only: what it refused so far, forgotten (so that test itself passes). */
export const takeRefusals = (): string[] => opened.splice(0);

afterEach(() => {
  const found = opened.splice(0);
  expect(found, 'sockets opened by this unit test').toEqual([]);
});

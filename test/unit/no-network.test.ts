import { request as httpRequest } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { takeRefusals } from '../support/no-network';

const MESSAGE = /^a unit test opened a socket \((.+)\)\. Unit tests use no network/;

describe('unit tier guard', () => {
  afterEach(() => {
    takeRefusals();
  });

  it('refuses a TCP connect, naming the address', () => {
    expect(() => net.connect(4566, '127.0.0.1')).toThrow(MESSAGE);
    expect(takeRefusals()).toEqual([expect.stringContaining('(connect to 127.0.0.1:4566)')]);
  });

  it('refuses http and https requests, named imports included', () => {
    expect(() => httpRequest('http://127.0.0.1:3000/health')).toThrow(MESSAGE);
    expect(() => https.request({ hostname: 'www.zohoapis.com', path: '/crm/v8/Deals' })).toThrow(MESSAGE);
    expect(takeRefusals().map((m) => MESSAGE.exec(m)?.[1])).toEqual([
      'http request to http://127.0.0.1:3000/health',
      'https request to www.zohoapis.com/crm/v8/Deals',
    ]);
  });

  it('fails fetch too, even when the code under test catches the error', async () => {
    await fetch('http://127.0.0.1:4566/').catch(() => undefined);
    expect(takeRefusals()).toEqual([expect.stringContaining('connect to')]);
  });
});

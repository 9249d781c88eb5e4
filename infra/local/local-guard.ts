/**
 * Who may use the local runtime's own endpoints (`/` and `/_local/*`: the mailbox, the clock, CRM changes).
 * Listening on 127.0.0.1 keeps other machines out, but not a web page open in the developer's browser: it can send
 * a "simple" cross-origin POST (text/plain, no preflight) to localhost, and a DNS-rebinding page can even read the
 * answers under its own host name. So: the Host header must name this loopback address and port, and a POST must
 * say it is JSON, which a browser only sends cross-origin after a CORS preflight that this gateway never grants.
 */
import type { IncomingMessage } from 'node:http';

export interface LocalRefusal {
  status: number;
  code: 'forbidden_host' | 'unsupported_media_type';
  message: string;
}

export const refuseForeignLocalRequest = (req: IncomingMessage): LocalRefusal | undefined => {
  const port = req.socket.localPort;
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return {
      status: 403,
      code: 'forbidden_host',
      message: `the local endpoints answer only to Host 127.0.0.1:${port} or localhost:${port}, got ${
        host ? JSON.stringify(host.slice(0, 100)) : 'none'
      }`,
    };
  }
  const type = req.headers['content-type'] ?? '';
  if (req.method === 'POST' && !/^application\/json\s*(;|$)/i.test(type)) {
    return {
      status: 415,
      code: 'unsupported_media_type',
      message: `POST to the local endpoints needs content-type application/json, got ${
        type ? JSON.stringify(type.slice(0, 100)) : 'none'
      }`,
    };
  }
  return undefined;
};

/**
 * dynalite in a process of its own, started by the local runtime: DynamoDB emulation is the heaviest stand-in, and
 * on its own process it runs on the machine's other core instead of competing with the functions for one.
 * Reports its port to the parent over IPC, then its CPU time each second (the runtime's status shows it, so a
 * benchmark can give CPU per webhook, which a busy machine skews far less than rates), and exits with the parent.
 */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

const path = process.env.QUOTAFLOW_DYNALITE_PATH;
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
// As the other stand-ins (aws/router.ts): with Node's 5 s, a pooled connection idle while a client awaits a long
// read is closed just as the client reuses it, and that request fails with "socket hang up".
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return Math.round((user + system) / 1000);
  };
  setInterval(() => process.connected && process.send?.({ cpuMs: cpuMs() }), 1000).unref();
});
process.on('disconnect', () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});

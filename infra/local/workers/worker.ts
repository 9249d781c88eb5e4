/**
 * A function worker: a thread that loads every function of the manifest, each in its own function scope with only
 * its rights' variables (functions.ts), and runs the invocations the main thread sends it. Its functions reach the
 * same stand-ins (DynamoDB, SES, EventBridge, Scheduler, Secrets Manager, chat) over loopback HTTP, as they would
 * from the main thread, and read the runtime's one clock from its shared offset.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useClock } from '../../../functions/wiring/clock';
import { SharedClock } from '../clock';
import { useReadableConsole } from '../console-log';
import { LocalFunctions, prepareConcurrentInvocations } from '../functions';
import { type FromWorker, type ToWorker, toWorkerError, type WorkerSetup } from './protocol';

const port = parentPort;
if (!port) throw new Error('workers/worker.ts runs in a worker thread only');
const setup = workerData as WorkerSetup;
const post = (message: FromWorker) => port.postMessage(message);

try {
  if (setup.logFormat === 'text') useReadableConsole();
  await prepareConcurrentInvocations();
  useClock(new SharedClock(setup.clock));
  const functions = new LocalFunctions(setup.root, setup.arnPrefix);
  await functions.load(setup.specs, (spec) => setup.envs[spec.id] ?? {});
  port.on('message', (m: ToWorker) => {
    if (m.kind !== 'invoke') return;
    functions.invoke(m.target, m.event).then(
      (value) => {
        try {
          post({ kind: 'result', id: m.id, ok: true, value });
        } catch (err) {
          // A result that cannot cross a thread (a function, a socket): Lambda would fail to serialize it too.
          post({ kind: 'result', id: m.id, ok: false, error: toWorkerError(err) });
        }
      },
      (err: unknown) => post({ kind: 'result', id: m.id, ok: false, error: toWorkerError(err) }),
    );
  });
  post({ kind: 'ready' });
} catch (err) {
  post({ kind: 'failed-to-load', error: toWorkerError(err) });
}

/**
 * A function worker: a thread that runs the invocations the main thread sends it, each function loaded in its own
 * function scope with only its rights' variables (functions.ts). A function is loaded on its first invocation here,
 * as Lambda runs a function's INIT on the first invocation a new instance gets: the main thread has loaded every
 * function at start already (a module that cannot load stops the start there), and a worker that never runs a
 * function does not pay for it. Its functions reach the
 * same stand-ins (DynamoDB, SES, EventBridge, Scheduler, Secrets Manager, chat) over loopback HTTP, as they would
 * from the main thread, and read the runtime's one clock from its shared offset.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useClock } from '../../../shared/runtime/clock';
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
  const specs = new Map(setup.specs.map((spec) => [spec.id, spec]));
  const loading = new Map<string, Promise<void>>();
  const loaded = (id: string): Promise<void> => {
    const spec = specs.get(id);
    if (!spec) return Promise.resolve(); // invoke() then names the unknown function
    let load = loading.get(id);
    if (!load) {
      load = functions.load([spec], () => setup.envs[id] ?? {});
      loading.set(id, load);
      // A failed INIT is tried again by the next invocation, as Lambda does.
      load.catch(() => loading.delete(id));
    }
    return load;
  };
  port.on('message', (m: ToWorker) => {
    if (m.kind !== 'invoke') return;
    loaded(m.target)
      .then(() => functions.invoke(m.target, m.event))
      .then(
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

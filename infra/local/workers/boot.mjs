// A function worker's first module (workers/pool.ts): a worker thread does not inherit the TypeScript loader the
// runtime runs under, so it registers tsx's loaders (as `--import tsx` does) before it loads the worker itself.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCjs();
register();
await import('./worker.ts');

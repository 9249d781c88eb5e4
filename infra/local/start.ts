/**
 * `npm start`'s entry: checks the Node.js version before main.ts and its imports load (they need the newer Node and
 * would fail with a stack trace), then runs main.ts.
 */
import { exitIfUnsupportedNode } from '../node-version';

exitIfUnsupportedNode();
await import('./main');

/**
 * zod/mini, configured once: the Lambda-side schemas (events, tenant config, runtime env, webhook bodies) use the
 * mini build for its bundle size and import time, with classic zod's English messages so that every refusal still
 * names what is wrong. Import it as `import * as z from '<path>/events/zod'`, never 'zod/mini' directly (a
 * namespace import keeps tree-shaking: only the schema kinds actually used end up in a Lambda bundle).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';

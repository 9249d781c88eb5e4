/**
 * The unit and integration tiers run their files one after another in a shared module graph per worker
 * (`isolate: false` in vitest.config.ts: importing the AWS SDK, Powertools and the product once per worker instead
 * of once per file was most of the unit tier's time and a good part of the integration tier's). What a file changes in process-wide state is put back after it here, so no file
 * sees another's leftovers: the environment (the local runtime's function host sets AWS_LAMBDA_MAX_CONCURRENCY,
 * which moves Powertools' logger onto Lambda's invoke store, where a later file's handler has no context).
 */
import { afterAll } from 'vitest';

const env = { ...process.env };

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
});

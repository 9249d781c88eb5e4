/**
 * The workflow config as JSON Schema, for editors: tenants/workflows/*.json point at workflow.schema.json with
 * "$schema" and get completion and inline errors while typing. Build-time only (classic zod's toJSONSchema), so
 * it never lands in a Lambda bundle. The schema shows the shape; validate.ts still decides cross-field rules.
 */
import { toJSONSchema } from 'zod';
import { WORKFLOW_SCHEMA_VERSION, workflowConfigSchema } from './definition';

export const WORKFLOW_SCHEMA_ID = 'https://quotaflow.dev/schemas/workflows.v1.json';

export const workflowJsonSchema = (): Record<string, unknown> => {
  // "input": what an author writes, so fields with defaults are optional in the editor.
  const schema = toJSONSchema(workflowConfigSchema, { io: 'input', unrepresentable: 'any', reused: 'ref' });
  return {
    ...schema,
    $id: WORKFLOW_SCHEMA_ID,
    title: `Quotaflow workflows (schemaVersion ${WORKFLOW_SCHEMA_VERSION})`,
  };
};

/** The schema as JSON text (the committed file is this, formatted; a test keeps the two equal as data). */
export const workflowJsonSchemaText = (): string => `${JSON.stringify(workflowJsonSchema(), null, 2)}\n`;

// `npx tsx shared/workflows/json-schema.ts` rewrites the committed schema after a change to definition.ts.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const { writeFileSync } = await import('node:fs');
  const out = new URL('../../tenants/workflows/workflow.schema.json', import.meta.url);
  writeFileSync(out, workflowJsonSchemaText());
  // Leave it as the repository's formatter wants it, so `npm run lint` stays clean after a regeneration.
  const { execFileSync } = await import('node:child_process');
  execFileSync('npx', ['biome', 'format', '--write', out.pathname], { stdio: 'ignore' });
  console.log(`wrote ${out.pathname}`);
}

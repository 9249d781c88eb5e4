import { defineConfig } from 'vitest/config';

// Test tiers are named by what they need (see README "Tests"); each is a project, so one tier runs alone with
// `npm run test:unit` (or `vitest run --project integration|e2e|infra`):
//   *.test.ts       pure, no servers                                               project unit
//   *.int.test.ts   real local servers started in-process (dynalite, SES stand-in, local bus)   project integration
//   *.e2e.test.ts   the local runtime started as a separate process and driven over HTTP        project e2e
//   test/infra      CDK synth of tenant stacks with cdk-nag                        project infra
const shared = { pool: 'forks', testTimeout: 30_000, hookTimeout: 60_000, allowOnly: false } as const;

export default defineConfig({
  test: {
    ...shared,
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'test/**/*.e2e.test.ts', 'test/infra/**'],
        },
      },
      { test: { ...shared, name: 'integration', include: ['test/**/*.int.test.ts'] } },
      { test: { ...shared, name: 'e2e', include: ['test/**/*.e2e.test.ts'] } },
      { test: { ...shared, name: 'infra', include: ['test/infra/**/*.test.ts'] } },
    ],
  },
});

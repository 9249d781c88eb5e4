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
    // `npm run test:coverage` (part of `npm test`): the unit and integration tiers' coverage of the product code,
    // printed as a summary and the files under 60 % (test/support/coverage-report.ts); no threshold. The CDK
    // stack is left out: the infra tier tests it by synthesis, and e2e code runs in the runtime's own process.
    coverage: {
      provider: 'v8',
      include: ['shared/**/*.ts', 'functions/**/*.ts', 'events/**/*.ts', 'infra/**/*.ts'],
      exclude: ['infra/app.ts', 'infra/tenant-stack.ts', 'infra/constructs/**'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
    },
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // Fails a unit test that opens a socket (test/support/no-network.ts).
          // One module graph per worker, not per file: importing the SDK and the product for each file was most of
          // the tier's time. What a file changes in the process is put back after it (process-state.ts).
          isolate: false,
          setupFiles: ['test/support/no-network.ts', 'test/support/process-state.ts'],
          exclude: ['test/**/*.int.test.ts', 'test/**/*.e2e.test.ts', 'test/infra/**'],
        },
      },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          // As the unit tier: one module graph per worker; each file starts its own servers on fresh ports and
          // tables with random names, so files share no data.
          isolate: false,
          setupFiles: ['test/support/process-state.ts'],
        },
      },
      { test: { ...shared, name: 'e2e', include: ['test/**/*.e2e.test.ts'] } },
      { test: { ...shared, name: 'infra', include: ['test/infra/**/*.test.ts'] } },
    ],
  },
});

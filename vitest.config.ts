import { defineConfig } from 'vitest/config';

// Test tiers are named by what they need (see README "Tests"):
//   *.test.ts       pure, no servers
//   *.int.test.ts   real local servers started in-process (dynalite, SES stand-in, local bus)
//   *.e2e.test.ts   the local runtime started as a separate process and driven over HTTP
//   test/infra      CDK synth of tenant stacks with cdk-nag
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    allowOnly: false,
  },
});

import { defineConfig } from 'vitest/config';

// Three projects, each with timeouts for what it runs (`vitest run --project NAME`; scripts/test.sh runs them one
// after another and times each):
// - unit: pure logic, no external tools; a test that needs seconds is a bug.
// - integration: real go builds, processes, qemu-user, local fake GitHub services. The binaries several files
//   inspect are built once per run in the global setup, which has its own bound (test/integration/global-setup.ts).
// - e2e: a Docker engine, buildkitd, a registry and act, started per file.
export default defineConfig({
  test: {
    // 2 cores: one file at a time, so builds and daemons do not fight over them.
    fileParallelism: false,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});

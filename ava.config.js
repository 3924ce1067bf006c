// Unit tests: pure logic on Node, no QEMU. TypeScript runs through tsx.
export default {
  files: ['contract/**/*.test.ts', 'builder/**/*.test.ts', 'fleet/**/*.test.ts', 'init/**/*.test.ts', 'targets/**/*.test.ts', 'console/**/*.test.ts', 'qemu-tests/harness.test.ts', 'bench/**/*.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '2m',
  // tsx's loader hook registers per process; worker threads would not see it.
  workerThreads: false,
};

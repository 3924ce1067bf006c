// QEMU scenario tests: boot built images under software emulation (TCG).
// Run with `npm run test:qemu` after building the images into out/.
// One test file at a time: the host has 2 cores and each QEMU keeps one busy.
export default {
  files: ['qemu-tests/**/*.test.ts', '!qemu-tests/harness.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '45m',
  concurrency: 1,
  serial: true,
  // Child processes rather than worker threads, so an aborted run's exit hooks kill its QEMUs.
  workerThreads: false,
};

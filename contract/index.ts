/**
 * The contract between the builder and the init: every format one side writes
 * and the other reads, and every rule both must apply the same way. The builder
 * checks and signs with the device's own code, so the two cannot drift.
 *
 * Builder and init import this index only, never a file behind it. Everything
 * here runs on Node and on QuickJS alike: plain ES2023, no `os`, `std`, native
 * module or Node built-in (contract.test.ts fails on any such import).
 */

// What the builder tells the init: /etc/imago/init.json.
export * from './init-config.ts';
// In what order services start, and who depends on whom.
export * from './start-order.ts';

// Where things are on a flashable disk.
export * from './disk-layout.ts';
// The A/B slot state GRUB and the init share, its storage, and a slot's boot entry.
export * from './slots.ts';
export * from './grubenv.ts';
export * from './boot-cfg.ts';
// U-Boot's environment: where U-Boot boards keep the same slot state.
export * from './uboot-env.ts';

// The signed update bundle, with its signature and version rules.
export * from './bundle-format.ts';
export * from './ed25519.ts';
export * from './version.ts';

// What a device's fleet agent and the fleet server say to each other.
export * from './fleet-protocol.ts';
export * from './fleet-agent-config.ts';

// The last known time and the clock-set mark, kept by the time service and the init.
export * from './clock.ts';

// Checksums and encodings QuickJS lacks.
export * from './crc32.ts';
export * from './hex.ts';
export * from './utf8.ts';

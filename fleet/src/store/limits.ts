/** Lines kept per log stream: a follower that never ends must not fill the server's disk. */
export const maxLogLinesPerStream = 10_000;

/** The schema version this code writes; migrate() brings an older database up to it (2: console sessions, devices.poll_wait). */
export const schemaVersion = 2;

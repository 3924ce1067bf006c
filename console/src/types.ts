/**
 * What the console reads from the operator API: the store's own types
 * (type-only imports: nothing of the server is bundled), as the API sends them.
 */
export type { AuditEntry, Batch, Device, StoredCommand } from '../../fleet/src/store/store.ts';
export type { DeviceStatus, ServiceReport } from '../../contract/index.ts';

/** A batch as GET /v1/batches lists it: never its token hash. */
export type ListedBatch = Omit<import('../../fleet/src/store/store.ts').Batch, 'tokenHash'>;
/** A device as GET /v1/devices lists it: without its certificate. */
export type ListedDevice = Omit<import('../../fleet/src/store/store.ts').Device, 'certificate'>;

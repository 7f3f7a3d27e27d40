// Everything the workers register; bundled for the Temporal workflow sandbox.
export { ingestSlot } from './ingest-slot';
export { writeBatch } from './write-batch';
export { auditSlotWindow } from './audit-slot-window';

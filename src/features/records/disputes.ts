import { openField } from '../../crypto/envelope.js';
import type { DisputeRow } from '../../storage/contract.js';
import type { RecordView } from './schemas.js';

/** Where a dispute's texts are sealed in the person's store. */
export const disputeFields = {
  statement: (id: string) => `dispute:${id}:statement`,
  note: (id: string) => `dispute:${id}:note`,
};

/** A dispute as record views carry it, its texts opened with the person's key. */
export function disputeSummary(dek: Uint8Array, d: DisputeRow): NonNullable<RecordView['dispute']> {
  return {
    id: d.id,
    status: d.status,
    statement: openField(dek, d.subjectId, disputeFields.statement(d.id), d.sealedStatement),
    note: d.sealedNote ? openField(dek, d.subjectId, disputeFields.note(d.id), d.sealedNote) : null,
    replacedBy: d.replacementRecordId,
  };
}

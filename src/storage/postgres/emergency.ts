import { and, desc, eq, isNull } from 'drizzle-orm';
import type { EmergencyAccessRow, EmergencyRepo } from '../contract.js';
import { toStoredGrant } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import type { Db, Q } from './open.js';
import { emergencyAccesses, emergencyPolicies, grants } from './schema.js';

type DbAccess = typeof emergencyAccesses.$inferSelect;

const fromDb = (r: DbAccess): EmergencyAccessRow => ({ ...r, sealedFlagStatement: r.sealedFlagStatement ? new Uint8Array(r.sealedFlagStatement) : null });

async function byGrant(q: Q, subjectId: string, grantId: string) {
  const [r] = await q.select().from(emergencyAccesses).where(and(eq(emergencyAccesses.subjectId, subjectId), eq(emergencyAccesses.grantId, grantId)));
  return r;
}

export function emergencyRepo(db: Db): EmergencyRepo {
  return {
    async getPolicy(subjectId) {
      const [r] = await db.select().from(emergencyPolicies).where(eq(emergencyPolicies.subjectId, subjectId));
      return r ? { ...r, sealedPolicy: new Uint8Array(r.sealedPolicy) } : undefined;
    },

    async putPolicy(row, log) {
      await db.transaction(async (tx) => {
        const values = { ...row, sealedPolicy: Buffer.from(row.sealedPolicy) };
        await tx.insert(emergencyPolicies).values(values).onConflictDoUpdate({ target: emergencyPolicies.subjectId, set: values });
        await appendLogEntry(tx, log);
      });
    },

    async deletePolicy(subjectId, log) {
      return db.transaction(async (tx) => {
        const gone = await tx.delete(emergencyPolicies).where(eq(emergencyPolicies.subjectId, subjectId)).returning({ s: emergencyPolicies.subjectId });
        if (gone.length === 0) return false;
        await appendLogEntry(tx, log);
        return true;
      });
    },

    async open(grant, access, log) {
      await db.transaction(async (tx) => {
        await tx.insert(grants).values(toStoredGrant(grant));
        await tx.insert(emergencyAccesses).values({ ...access, sealedFlagStatement: null });
        await appendLogEntry(tx, log);
      });
    },

    async get(subjectId, grantId) {
      const r = await byGrant(db, subjectId, grantId);
      return r ? fromDb(r) : undefined;
    },

    async listForSubject(subjectId) {
      const rows = await db.select().from(emergencyAccesses).where(eq(emergencyAccesses.subjectId, subjectId)).orderBy(desc(emergencyAccesses.openedAt));
      return rows.map(fromDb);
    },

    async listForOrganisation(organisationId, limit) {
      const rows = await db
        .select()
        .from(emergencyAccesses)
        .where(eq(emergencyAccesses.organisationId, organisationId))
        .orderBy(desc(emergencyAccesses.openedAt))
        .limit(limit);
      return rows.map(fromDb);
    },

    async flag(subjectId, grantId, now, statement, log) {
      return db.transaction(async (tx) => {
        const changed = await tx
          .update(emergencyAccesses)
          .set({ flaggedAt: now, sealedFlagStatement: statement ? Buffer.from(statement) : null })
          .where(and(eq(emergencyAccesses.subjectId, subjectId), eq(emergencyAccesses.grantId, grantId), isNull(emergencyAccesses.flaggedAt)))
          .returning({ id: emergencyAccesses.grantId });
        if (changed.length) await appendLogEntry(tx, log);
        const r = await byGrant(tx, subjectId, grantId);
        return r ? fromDb(r) : undefined;
      });
    },
  };
}

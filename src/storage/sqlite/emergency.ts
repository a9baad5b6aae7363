import { and, desc, eq, isNull } from 'drizzle-orm';
import type { EmergencyAccessRow, EmergencyRepo } from '../contract.js';
import { appendLogEntry } from './access-log.js';
import { toStoredGrant as toDbGrant } from '../rows.js';
import type { Db } from './open.js';
import { emergencyAccesses, emergencyPolicies, grants } from './schema.js';

type DbAccess = typeof emergencyAccesses.$inferSelect;

const fromDb = (r: DbAccess): EmergencyAccessRow => ({ ...r, sealedFlagStatement: r.sealedFlagStatement ? new Uint8Array(r.sealedFlagStatement) : null });

export function emergencyRepo(db: Db): EmergencyRepo {
  const byGrant = (subjectId: string, grantId: string) =>
    db.select().from(emergencyAccesses).where(and(eq(emergencyAccesses.subjectId, subjectId), eq(emergencyAccesses.grantId, grantId))).get();
  return {
    async getPolicy(subjectId) {
      const r = db.select().from(emergencyPolicies).where(eq(emergencyPolicies.subjectId, subjectId)).get();
      return r ? { ...r, sealedPolicy: new Uint8Array(r.sealedPolicy) } : undefined;
    },

    async putPolicy(row, log) {
      db.transaction(
        () => {
          const values = { ...row, sealedPolicy: Buffer.from(row.sealedPolicy) };
          db.insert(emergencyPolicies).values(values).onConflictDoUpdate({ target: emergencyPolicies.subjectId, set: values }).run();
          appendLogEntry(db, log);
        },
        { behavior: 'immediate' },
      );
    },

    async deletePolicy(subjectId, log) {
      return db.transaction(
        () => {
          if (db.delete(emergencyPolicies).where(eq(emergencyPolicies.subjectId, subjectId)).run().changes === 0) return false;
          appendLogEntry(db, log);
          return true;
        },
        { behavior: 'immediate' },
      );
    },

    async open(grant, access, log) {
      db.transaction(
        () => {
          db.insert(grants).values(toDbGrant(grant)).run();
          db.insert(emergencyAccesses)
            .values({ ...access, sealedFlagStatement: null })
            .run();
          appendLogEntry(db, log);
        },
        { behavior: 'immediate' },
      );
    },

    async get(subjectId, grantId) {
      const r = byGrant(subjectId, grantId);
      return r ? fromDb(r) : undefined;
    },

    async listForSubject(subjectId) {
      return db.select().from(emergencyAccesses).where(eq(emergencyAccesses.subjectId, subjectId)).orderBy(desc(emergencyAccesses.openedAt)).all().map(fromDb);
    },

    async listForOrganisation(organisationId, limit) {
      return db
        .select()
        .from(emergencyAccesses)
        .where(eq(emergencyAccesses.organisationId, organisationId))
        .orderBy(desc(emergencyAccesses.openedAt))
        .limit(limit)
        .all()
        .map(fromDb);
    },

    async flag(subjectId, grantId, now, statement, log) {
      return db.transaction(
        () => {
          const changed = db
            .update(emergencyAccesses)
            .set({ flaggedAt: now, sealedFlagStatement: statement ? Buffer.from(statement) : null })
            .where(and(eq(emergencyAccesses.subjectId, subjectId), eq(emergencyAccesses.grantId, grantId), isNull(emergencyAccesses.flaggedAt)))
            .run().changes;
          if (changed) appendLogEntry(db, log);
          const r = byGrant(subjectId, grantId);
          return r ? fromDb(r) : undefined;
        },
        { behavior: 'immediate' },
      );
    },
  };
}

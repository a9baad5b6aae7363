import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { TypeDefinitionRow, TypeDefinitionsRepo, TypeOwner } from '../contract.js';
import type { Db } from './open.js';
import { typeDefinitions } from './schema.js';

type DbRow = typeof typeDefinitions.$inferSelect;

/** Serialises drafts of one code across instances (a class of its own among the advisory locks). */
const LOCK_CLASS = 7;

function fromDb(r: DbRow): TypeDefinitionRow {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    organisationId: r.organisationId,
    subjectId: r.subjectId,
    status: r.status,
    definition: r.definition,
    sealedDefinition: r.sealedDefinition ? new Uint8Array(r.sealedDefinition) : null,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    publishedAt: r.publishedAt,
  };
}

/** Organisation codes share one namespace; a person's own codes are theirs alone. */
function scopeOf(owner: TypeOwner): string {
  return 'organisationId' in owner ? 'org' : owner.subjectId;
}

export function typeDefinitionsRepo(db: Db): TypeDefinitionsRepo {
  async function locked<T>(scope: string, code: string, work: (tx: Db) => Promise<T>): Promise<T> {
    return db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_CLASS}::int, hashtext(${`${scope}:${code}`}))`);
      return work(tx as unknown as Db);
    });
  }
  const latestOf = async (tx: Db, scope: string, code: string) =>
    (await tx.select().from(typeDefinitions).where(and(eq(typeDefinitions.scope, scope), eq(typeDefinitions.code, code))).orderBy(desc(typeDefinitions.version)).limit(1))[0];

  return {
    async saveDraft(owner, row, id) {
      const scope = scopeOf(owner);
      const organisationId = 'organisationId' in owner ? owner.organisationId : null;
      const subjectId = 'subjectId' in owner ? owner.subjectId : null;
      return locked(scope, row.code, async (tx) => {
        const latest = await latestOf(tx, scope, row.code);
        if (latest && latest.organisationId !== organisationId) return 'taken' as const;
        const values = {
          ...row,
          sealedDefinition: row.sealedDefinition ? Buffer.from(row.sealedDefinition) : null,
          scope,
          organisationId,
          subjectId,
          status: 'draft' as const,
          publishedAt: null,
        };
        if (latest?.status === 'draft') {
          // The draft takes the new id: a person's sealed definition is bound to the row id.
          await tx.update(typeDefinitions).set({ ...values, id }).where(eq(typeDefinitions.id, latest.id));
          return fromDb({ ...latest, ...values, id });
        }
        const stored = { ...values, id, version: (latest?.version ?? 0) + 1 };
        await tx.insert(typeDefinitions).values(stored);
        return fromDb(stored);
      });
    },

    async publish(owner, code, now) {
      const scope = scopeOf(owner);
      return locked(scope, code, async (tx) => {
        const latest = await latestOf(tx, scope, code);
        if (!latest || latest.status !== 'draft') return undefined;
        if ('organisationId' in owner && latest.organisationId !== owner.organisationId) return undefined;
        await tx.update(typeDefinitions).set({ status: 'published', publishedAt: now }).where(eq(typeDefinitions.id, latest.id));
        return fromDb({ ...latest, status: 'published', publishedAt: now });
      });
    },

    async listForOwner(owner) {
      const condition =
        'organisationId' in owner
          ? and(eq(typeDefinitions.scope, 'org'), eq(typeDefinitions.organisationId, owner.organisationId))
          : eq(typeDefinitions.scope, owner.subjectId);
      return (await db.select().from(typeDefinitions).where(condition).orderBy(asc(typeDefinitions.code), asc(typeDefinitions.version))).map(fromDb);
    },

    async publishedOrganisationTypes() {
      const rows = await db
        .select()
        .from(typeDefinitions)
        .where(and(eq(typeDefinitions.scope, 'org'), eq(typeDefinitions.status, 'published'), isNotNull(typeDefinitions.organisationId)))
        .orderBy(asc(typeDefinitions.code), asc(typeDefinitions.version));
      return rows.map(fromDb);
    },
  };
}

import { and, asc, desc, eq, isNotNull } from 'drizzle-orm';
import type { TypeDefinitionRow, TypeDefinitionsRepo, TypeOwner } from '../contract.js';
import type { Db } from './open.js';
import { typeDefinitions } from './schema.js';

type DbRow = typeof typeDefinitions.$inferSelect;

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
  const versions = (scope: string, code: string) =>
    db.select().from(typeDefinitions).where(and(eq(typeDefinitions.scope, scope), eq(typeDefinitions.code, code))).orderBy(desc(typeDefinitions.version)).all();

  return {
    async saveDraft(owner, row, id) {
      const scope = scopeOf(owner);
      const organisationId = 'organisationId' in owner ? owner.organisationId : null;
      const subjectId = 'subjectId' in owner ? owner.subjectId : null;
      return db.transaction(
        () => {
          const existing = versions(scope, row.code);
          const latest = existing[0];
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
            db.update(typeDefinitions).set({ ...values, id }).where(eq(typeDefinitions.id, latest.id)).run();
            return fromDb({ ...latest, ...values, id });
          }
          const stored = { ...values, id, version: (latest?.version ?? 0) + 1 };
          db.insert(typeDefinitions).values(stored).run();
          return fromDb(stored);
        },
        { behavior: 'immediate' },
      );
    },

    async publish(owner, code, now) {
      const scope = scopeOf(owner);
      return db.transaction(
        () => {
          const latest = versions(scope, code)[0];
          if (!latest || latest.status !== 'draft') return undefined;
          if ('organisationId' in owner && latest.organisationId !== owner.organisationId) return undefined;
          db.update(typeDefinitions).set({ status: 'published', publishedAt: now }).where(eq(typeDefinitions.id, latest.id)).run();
          return fromDb({ ...latest, status: 'published', publishedAt: now });
        },
        { behavior: 'immediate' },
      );
    },

    async listForOwner(owner) {
      const condition =
        'organisationId' in owner
          ? and(eq(typeDefinitions.scope, 'org'), eq(typeDefinitions.organisationId, owner.organisationId))
          : eq(typeDefinitions.scope, owner.subjectId);
      return db.select().from(typeDefinitions).where(condition).orderBy(asc(typeDefinitions.code), asc(typeDefinitions.version)).all().map(fromDb);
    },

    async publishedOrganisationTypes() {
      return db
        .select()
        .from(typeDefinitions)
        .where(and(eq(typeDefinitions.scope, 'org'), eq(typeDefinitions.status, 'published'), isNotNull(typeDefinitions.organisationId)))
        .orderBy(asc(typeDefinitions.code), asc(typeDefinitions.version))
        .all()
        .map(fromDb);
    },
  };
}

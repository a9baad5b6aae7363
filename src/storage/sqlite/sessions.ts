import { and, eq, isNull, sql } from 'drizzle-orm';
import type { RefreshOutcome, SessionsRepo } from '../contract.js';
import { fromStoredAccount as fromDb } from '../rows.js';
import type { Db } from './open.js';
import { accounts, refreshTokens, sessions } from './schema.js';

export function sessionsRepo(db: Db): SessionsRepo {
  const auth = db
    .select({ session: sessions, account: accounts })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare();
  const refreshByHash = db
    .select({ token: refreshTokens, session: sessions })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, sql.placeholder('hash')))
    .prepare();

  const revoke = (id: string, reason: string, now: number) =>
    db
      .update(sessions)
      // A revoked session keeps no MAC: clearing revoked_at by hand cannot revive it.
      .set({ revokedAt: now, revokedReason: reason, integrity: null })
      .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
      .run();

  return {
    async create(session, refresh) {
      db.transaction((tx) => {
        tx.insert(sessions).values(session).run();
        if (refresh) {
          tx.insert(refreshTokens)
            .values({ tokenHash: refresh.tokenHash, sessionId: session.id, createdAt: session.createdAt, expiresAt: refresh.expiresAt })
            .run();
        }
      });
    },

    async authLookup(id) {
      const row = auth.get({ id });
      if (!row) return undefined;
      return {
        sessionId: row.session.id,
        sessionCreatedAt: row.session.createdAt,
        sessionExpiresAt: row.session.expiresAt,
        sessionRevokedAt: row.session.revokedAt,
        sessionIntegrity: row.session.integrity,
        account: fromDb(row.account)!,
      };
    },

    async rotateRefresh(hash, next, now): Promise<RefreshOutcome> {
      return db.transaction((tx): RefreshOutcome => {
        const row = refreshByHash.get({ hash });
        if (!row || row.session.revokedAt !== null || row.session.expiresAt <= now || row.token.expiresAt <= now) {
          return { kind: 'invalid' };
        }
        if (row.token.usedAt !== null) {
          revoke(row.session.id, 'refresh-token-reuse', now);
          return { kind: 'reused' };
        }
        tx.update(refreshTokens).set({ usedAt: now }).where(eq(refreshTokens.tokenHash, hash)).run();
        tx.insert(refreshTokens)
          .values({ tokenHash: next.tokenHash, sessionId: row.session.id, createdAt: now, expiresAt: next.expiresAt })
          .run();
        const account = fromDb(tx.select().from(accounts).where(eq(accounts.id, row.session.accountId)).get())!;
        return { kind: 'rotated', session: row.session, account };
      });
    },

    async revoke(id, reason, now) {
      revoke(id, reason, now);
    },

    async sessionOfRefresh(hash) {
      return refreshByHash.get({ hash })?.session;
    },
  };
}

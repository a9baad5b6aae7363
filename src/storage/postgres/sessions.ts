import { and, eq, isNull } from 'drizzle-orm';
import type { RefreshOutcome, SessionsRepo } from '../contract.js';
import { fromStoredAccount } from '../rows.js';
import type { Db, Q } from './open.js';
import { accounts, refreshTokens, sessions } from './schema.js';

export function sessionsRepo(db: Db): SessionsRepo {
  const revoke = (q: Q, id: string, reason: string, now: number) =>
    q
      .update(sessions)
      .set({ revokedAt: now, revokedReason: reason })
      .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));

  return {
    async create(session, refresh) {
      await db.transaction(async (tx) => {
        await tx.insert(sessions).values(session);
        if (refresh) {
          await tx.insert(refreshTokens).values({ tokenHash: refresh.tokenHash, sessionId: session.id, createdAt: session.createdAt, expiresAt: refresh.expiresAt });
        }
      });
    },

    async authLookup(id) {
      const [row] = await db
        .select({ session: sessions, account: accounts })
        .from(sessions)
        .innerJoin(accounts, eq(accounts.id, sessions.accountId))
        .where(eq(sessions.id, id));
      if (!row) return undefined;
      return { sessionId: row.session.id, sessionExpiresAt: row.session.expiresAt, sessionRevokedAt: row.session.revokedAt, account: fromStoredAccount(row.account)! };
    },

    async rotateRefresh(hash, next, now): Promise<RefreshOutcome> {
      return db.transaction(async (tx): Promise<RefreshOutcome> => {
        // Locked, so the same token spent twice at once (two instances) rotates once and the
        // second use is seen as a replay.
        const [row] = await tx
          .select({ token: refreshTokens, session: sessions })
          .from(refreshTokens)
          .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
          .where(eq(refreshTokens.tokenHash, hash))
          .for('update', { of: refreshTokens });
        if (!row || row.session.revokedAt !== null || row.session.expiresAt <= now || row.token.expiresAt <= now) return { kind: 'invalid' };
        if (row.token.usedAt !== null) {
          await revoke(tx, row.session.id, 'refresh-token-reuse', now);
          return { kind: 'reused' };
        }
        await tx.update(refreshTokens).set({ usedAt: now }).where(eq(refreshTokens.tokenHash, hash));
        await tx.insert(refreshTokens).values({ tokenHash: next.tokenHash, sessionId: row.session.id, createdAt: now, expiresAt: next.expiresAt });
        const [account] = await tx.select().from(accounts).where(eq(accounts.id, row.session.accountId));
        return { kind: 'rotated', session: row.session, account: fromStoredAccount(account)! };
      });
    },

    async revoke(id, reason, now) {
      await revoke(db, id, reason, now);
    },

    async sessionOfRefresh(hash) {
      const [row] = await db
        .select({ session: sessions })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
        .where(eq(refreshTokens.tokenHash, hash));
      return row?.session;
    },
  };
}

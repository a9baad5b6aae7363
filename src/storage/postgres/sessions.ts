import { and, eq, isNull } from 'drizzle-orm';
import type { AccountKind, RefreshOutcome, SessionsRepo } from '../contract.js';
import { fromStoredAccount } from '../rows.js';
import { prepared, type Db, type Q } from './open.js';
import { accounts, refreshTokens, sessions } from './schema.js';

const AUTH_LOOKUP = `SELECT s.id, s.expires_at, s.revoked_at, a.id, a.kind, a.handle, a.password_hash, a.display_name, a.sealed_display_name,
  a.subject_id, a.organisation_id, a.role, a.jwks, a.disabled_at, a.created_at, a.integrity, s.created_at, s.integrity
  FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id = $1`;

type AuthTuple = [
  string, number, number | null, string, AccountKind, string | null, string | null, string | null, Buffer | null, string | null, string | null, string | null, string | null,
  number | null, number, string | null, number, string | null,
];

export function sessionsRepo(db: Db): SessionsRepo {
  const revoke = (q: Q, id: string, reason: string, now: number) =>
    q
      .update(sessions)
      // A revoked session keeps no MAC: clearing revoked_at by hand cannot revive it.
      .set({ revokedAt: now, revokedReason: reason, integrity: null })
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
      // Every authenticated request asks this: a prepared statement.
      const [r] = await prepared<AuthTuple>(db.$client, 'auth_lookup', AUTH_LOOKUP, [id]);
      if (!r) return undefined;
      return {
        sessionId: r[0],
        sessionExpiresAt: r[1],
        sessionRevokedAt: r[2],
        sessionCreatedAt: r[16],
        sessionIntegrity: r[17],
        account: fromStoredAccount({
          id: r[3],
          kind: r[4],
          handle: r[5],
          passwordHash: r[6],
          displayName: r[7],
          sealedDisplayName: r[8],
          subjectId: r[9],
          organisationId: r[10],
          role: r[11],
          jwks: r[12],
          disabledAt: r[13],
          createdAt: r[14],
          integrity: r[15],
        })!,
      };
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

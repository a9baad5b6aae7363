import { and, eq, gt, isNull } from 'drizzle-orm';
import type { InvitesRepo } from '../contract.js';
import type { Db } from './open.js';
import { invites } from './schema.js';

export function invitesRepo(db: Db): InvitesRepo {
  return {
    async create(row) {
      await db.insert(invites).values(row);
    },

    async redeem(codeHash, accountId, now) {
      // One UPDATE decides: a code raced by two supporters (or instances) is spent once.
      const [spent] = await db
        .update(invites)
        .set({ usedAt: now, usedByAccountId: accountId })
        .where(and(eq(invites.codeHash, codeHash), isNull(invites.usedAt), gt(invites.expiresAt, now)))
        .returning({ subjectId: invites.subjectId });
      return spent?.subjectId;
    },
  };
}

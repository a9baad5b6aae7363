import { lt } from 'drizzle-orm';
import type { AssertionsRepo } from '../contract.js';
import type { Db } from './open.js';
import { assertionJtis } from './schema.js';

export function assertionsRepo(db: Db): AssertionsRepo {
  return {
    async remember(clientId, jti, expiresAt, now) {
      return db.transaction(
        () => {
          // The id is checked before anything is pruned, so a replay is caught even at the very
          // end of its window; only then do ids no assertion could still use go.
          const fresh = db.insert(assertionJtis).values({ clientId, jti, expiresAt }).onConflictDoNothing().run().changes === 1;
          db.delete(assertionJtis).where(lt(assertionJtis.expiresAt, now)).run();
          return fresh;
        },
        { behavior: 'immediate' },
      );
    },
  };
}

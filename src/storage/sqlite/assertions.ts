import { lt } from 'drizzle-orm';
import type { AssertionsRepo } from '../contract.js';
import type { Db } from './open.js';
import { assertionJtis } from './schema.js';

export function assertionsRepo(db: Db): AssertionsRepo {
  return {
    async remember(clientId, jti, expiresAt, now) {
      return db.transaction(
        () => {
          // Expired ids can go: an assertion past its exp is refused before it gets here.
          db.delete(assertionJtis).where(lt(assertionJtis.expiresAt, now)).run();
          return db.insert(assertionJtis).values({ clientId, jti, expiresAt }).onConflictDoNothing().run().changes === 1;
        },
        { behavior: 'immediate' },
      );
    },
  };
}

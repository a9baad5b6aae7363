import { asc, eq } from 'drizzle-orm';
import type { OrganisationsRepo } from '../contract.js';
import type { Db } from './open.js';
import { organisations } from './schema.js';

export function organisationsRepo(db: Db): OrganisationsRepo {
  return {
    async create(row) {
      db.insert(organisations).values(row).run();
    },
    async get(id) {
      return db.select().from(organisations).where(eq(organisations.id, id)).get();
    },
    async list() {
      return db.select().from(organisations).orderBy(asc(organisations.name)).all();
    },
  };
}

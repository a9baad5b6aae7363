import { defineConfig } from 'drizzle-kit';

/** PostgreSQL migrations, generated beside SQLite's by `npm run db:generate`. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/storage/postgres/schema.ts',
  out: './migrations/postgres',
});

import type { TestProject } from 'vitest/node';
import { freePort } from '../helpers/process.js';
import { startEmbeddedPostgres, type PostgresServer } from '../helpers/postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server tests create their databases on (project `postgres` only). */
    postgresAdminUrl: string;
  }
}

/**
 * One PostgreSQL server for the whole `postgres` project; each test app gets a database of its
 * own on it (test/helpers/storage.ts). TESSERA_TEST_DATABASE_URL names an external server
 * instead (a URL to a database the user may CREATE DATABASE from).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TESSERA_TEST_DATABASE_URL?.trim();
  let server: PostgresServer | undefined;
  if (external) {
    project.provide('postgresAdminUrl', external);
  } else {
    server = await startEmbeddedPostgres(await freePort());
    project.provide('postgresAdminUrl', server.adminUrl);
  }
  return async () => {
    await server?.stop();
  };
}

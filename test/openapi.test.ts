import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import parser from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document by an independent validator', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const file = path.join(os.tmpdir(), `tessera-openapi-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify(doc));
    try {
      const api = (await parser.validate(file)) as { openapi?: string; paths?: Record<string, unknown> };
      expect(api.openapi).toBe('3.1.0');
      expect(Object.keys(api.paths ?? {})).toEqual(expect.arrayContaining(['/v1/subjects/{subjectId}/records', '/v1/me/grants', '/v1/token']));
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

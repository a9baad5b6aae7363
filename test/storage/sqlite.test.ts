import { describe } from 'vitest';
import { storageConformance } from './conformance.js';

// The storage conformance suite on SQLite (project `sqlite`, vitest.config.ts).
describe('storage conformance: SQLite', storageConformance);

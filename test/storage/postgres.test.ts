import { describe } from 'vitest';
import { storageConformance } from './conformance.js';

// The storage conformance suite on PostgreSQL (project `postgres`, vitest.config.ts).
describe('storage conformance: PostgreSQL', storageConformance);

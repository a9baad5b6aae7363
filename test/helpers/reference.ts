/**
 * Pieces of the source that tests compare against, re-exported so test files import only
 * test/helpers.
 */
export { errorCodes } from '../../src/errors.js';
export { parseKeysFile } from '../../src/crypto/keyring.js';

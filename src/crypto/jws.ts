import { jwtVerify, type JWTPayload } from 'jose';
import type { Keyring } from './keyring.js';

/**
 * Verifies a JWT this service signed (an access token presented for revocation).
 * @returns its claims, or undefined when the signature, issuer or audience is wrong
 */
export async function verifyServiceJwt(keyring: Keyring, token: string, issuer: string): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? keyring.verifyingKey(header.kid) : undefined;
        if (!key) throw new Error('unknown kid');
        return key.publicKey;
      },
      // Expired tokens may still be revoked; their session is what gets revoked.
      { issuer, audience: issuer, algorithms: ['EdDSA'], clockTolerance: Number.MAX_SAFE_INTEGER },
    );
    return payload;
  } catch {
    return undefined;
  }
}

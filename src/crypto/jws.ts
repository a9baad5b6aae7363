import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
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

/**
 * Signs a consent receipt: a compact JWS (EdDSA, `kid` in the header) over the grant's terms,
 * verifiable by anyone against /.well-known/jwks.json, so the person can keep it as proof.
 * @returns the compact JWS
 */
export async function signReceipt(keyring: Keyring, issuer: string, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: keyring.signing.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setIssuedAt()
    .sign(keyring.signing.privateKey);
}

/**
 * Verifies a receipt or checkpoint this service signed, by any of its signing keys (retired
 * ones too, so old receipts keep verifying). The issuer is not compared: it is the public URL
 * at signing time, which may have changed since, and the CLI may run without it; the key is
 * what proves the service signed.
 * @returns its claims, or undefined when the signature is wrong or the key unknown
 */
export async function verifySignedClaims(keyring: Keyring, jws: string, typ?: string): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(
      jws,
      (header) => {
        const key = header.kid ? keyring.verifyingKey(header.kid) : undefined;
        if (!key) throw new Error('unknown kid');
        return key.publicKey;
      },
      { algorithms: ['EdDSA'], ...(typ ? { typ } : {}) },
    );
    return payload;
  } catch {
    return undefined;
  }
}

const ERASURE_TYP = 'tessera-erasure+jwt';

/**
 * Signs an erasure ledger entry with the service key, so entries cannot be forged to erase
 * someone, and stay verifiable after rotations (old signing keys stay in the keys file).
 * @returns the compact JWS
 */
export async function signErasure(keyring: Keyring, subjectId: string, erasedAt: number): Promise<string> {
  return new SignJWT({ erasedAt: new Date(erasedAt).toISOString() })
    .setProtectedHeader({ alg: 'EdDSA', kid: keyring.signing.kid, typ: ERASURE_TYP })
    .setSubject(subjectId)
    .setIssuedAt(Math.floor(erasedAt / 1000))
    .sign(keyring.signing.privateKey);
}

/** @returns the erased subject and time, or undefined when the entry's signature does not hold */
export async function verifyErasure(keyring: Keyring, jws: string): Promise<{ subjectId: string; erasedAt: string } | undefined> {
  const payload = await verifySignedClaims(keyring, jws, ERASURE_TYP);
  if (typeof payload?.sub !== 'string' || typeof payload.erasedAt !== 'string') return undefined;
  return { subjectId: payload.sub, erasedAt: payload.erasedAt };
}

import type { KeyObject } from 'node:crypto';
import { decodeProtectedHeader, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signReceipt, verifyServiceJwt } from '../../src/crypto/jws.js';
import { generateKeysFile, Keyring, newSigningKey, type KeysFile } from '../../src/crypto/keyring.js';

const issuer = 'https://tessera.example';
let file: KeysFile;
let keyring: Keyring;
// Built in a hook, not at collection time, so a mutant that breaks key loading fails tests visibly.
beforeAll(() => {
  file = generateKeysFile();
  keyring = new Keyring(file);
});

function token(claims: Record<string, unknown>, header: { alg?: string; kid?: string } = {}, key: KeyObject | CryptoKey = keyring.signing.privateKey) {
  return new SignJWT({ iss: issuer, aud: issuer, sub: 'account', sid: 'session', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: keyring.signing.kid, ...header })
    .sign(key);
}

describe('verifyServiceJwt', () => {
  it('answers the claims of a token this service signed', async () => {
    const claims = await verifyServiceJwt(keyring, await token({ exp: Math.floor(Date.now() / 1000) + 60 }), issuer);
    expect(claims).toMatchObject({ iss: issuer, aud: issuer, sub: 'account', sid: 'session' });
  });

  it('still answers for an expired token, so it can be revoked', async () => {
    const claims = await verifyServiceJwt(keyring, await token({ exp: 1_000, iat: 900 }), issuer);
    expect(claims?.sid).toBe('session');
  });

  it('answers undefined for a wrong issuer or audience', async () => {
    expect(await verifyServiceJwt(keyring, await token({ iss: 'https://other.example' }), issuer)).toBeUndefined();
    expect(await verifyServiceJwt(keyring, await token({ aud: 'https://other.example' }), issuer)).toBeUndefined();
    expect(await verifyServiceJwt(keyring, await token({}), 'https://other.example')).toBeUndefined();
  });

  it('answers undefined for a token with no kid, an unknown kid, or a signature by another key', async () => {
    const noKid = await new SignJWT({ iss: issuer, aud: issuer }).setProtectedHeader({ alg: 'EdDSA' }).sign(keyring.signing.privateKey);
    expect(await verifyServiceJwt(keyring, noKid, issuer)).toBeUndefined();
    expect(await verifyServiceJwt(keyring, await token({}, { kid: 'sig-unknown' }), issuer)).toBeUndefined();
    const stranger = newSigningKey();
    const strangerKey = await importJWK({ ...stranger.jwk }, 'EdDSA');
    expect(await verifyServiceJwt(keyring, await token({}, {}, strangerKey as KeyObject | CryptoKey), issuer)).toBeUndefined();
  });

  it('verifies tokens of an older signing key still in the keyring', async () => {
    const old = keyring.signing;
    const next = newSigningKey();
    const rotated = new Keyring({ ...file, currentSigningKey: next.kid, signingKeys: [...file.signingKeys, next] });
    const claims = await verifyServiceJwt(rotated, await token({}, { kid: old.kid }, old.privateKey), issuer);
    expect(claims?.sub).toBe('account');
  });

  it('answers undefined for another algorithm or a malformed token', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const es = await new SignJWT({ iss: issuer, aud: issuer }).setProtectedHeader({ alg: 'ES256', kid: keyring.signing.kid }).sign(privateKey);
    expect(await verifyServiceJwt(keyring, es, issuer)).toBeUndefined();
    expect(await verifyServiceJwt(keyring, 'not-a-jwt', issuer)).toBeUndefined();
  });
});

describe('signReceipt', () => {
  it('is a compact EdDSA JWS naming its key, issuer and time, over the claims, verifiable with the published key', async () => {
    const before = Math.floor(Date.now() / 1000);
    const receipt = await signReceipt(keyring, issuer, { grantId: 'g1', categories: ['notes'] });
    expect(decodeProtectedHeader(receipt)).toEqual({ alg: 'EdDSA', kid: keyring.signing.kid, typ: 'JWT' });
    const { payload } = await jwtVerify(receipt, keyring.signing.publicKey, { issuer, algorithms: ['EdDSA'] });
    expect(payload).toMatchObject({ grantId: 'g1', categories: ['notes'], iss: issuer });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('signs with the current key after a rotation', async () => {
    const next = newSigningKey();
    const rotated = new Keyring({ ...file, currentSigningKey: next.kid, signingKeys: [...file.signingKeys, next] });
    const receipt = await signReceipt(rotated, issuer, {});
    expect(decodeProtectedHeader(receipt).kid).toBe(next.kid);
    await expect(jwtVerify(receipt, rotated.signing.publicKey)).resolves.toBeDefined();
    await expect(jwtVerify(receipt, keyring.signing.publicKey)).rejects.toThrow();
  });
});

/** Secrets at rest: AES-256-GCM, a fresh 96-bit nonce per secret, the key derived with scrypt. */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { VpnbotError } from '../src/errors';

export interface SecretBox {
  seal(plaintext: string, context: string): Buffer;
  open(sealed: Buffer, context: string): string;
}

const VERSION = 1;

export function createSecretBox(keyMaterial: string): SecretBox {
  const key = scryptSync(keyMaterial, 'vpnbot secret box v1', 32);
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed, context) {
      if (sealed[0] !== VERSION) throw new VpnbotError('storage.secret-format', 'unknown secret format');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(sealed.subarray(13, 29));
      try {
        return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
      } catch (e) {
        throw new VpnbotError(
          'storage.secret-key-mismatch',
          'cannot decrypt a stored secret: VPNBOT_SECRET_KEY (or the key file) is not the one it was stored with',
          { cause: e },
        );
      }
    },
  };
}

/** AES-256-GCM for secret values at rest: a fresh 12-byte IV per value, the auth tag kept apart. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SealedSecret {
  readonly ciphertext: string;
  readonly iv: string;
  readonly tag: string;
}

export class SecretCipher {
  constructor(private readonly key: Buffer) {}

  /** `aad` binds the value to its place (organisation/name): a row copied elsewhere fails to open. */
  seal(value: string, aad: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return {
      ciphertext: ciphertext.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  /** @throws when the key is wrong or the row was tampered with. */
  open(sealed: SealedSecret, aad: string): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  }
}

import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { stackStateDir } from './paths';

export interface DevCertificate {
  /** PEM certificate; self-signed, so it is also the file for NODE_EXTRA_CA_CERTS. */
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

/**
 * The loopback TLS certificate of the local vault. Made on first start and kept, because
 * NODE_EXTRA_CA_CERTS is read once when a process starts: a stable file lets jest, `func start`
 * and the demo trust the vault without restarting anything when the stack restarts.
 */
export async function ensureDevCertificate(dir: string = join(stackStateDir(), 'tls')): Promise<DevCertificate> {
  const certPath = join(dir, 'vault-cert.pem');
  const keyPath = join(dir, 'vault-key.pem');
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    const validTo = Date.parse(new X509Certificate(cert).validTo);
    if (validTo - Date.now() > RENEW_BEFORE_MS) return { certPath, keyPath, cert, key };
  } catch {
    // missing or unreadable: make a new one below
  }
  const now = Date.now();
  const made = await generate([{ name: 'commonName', value: 'audit-exporter local stack' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 3600 * 1000),
    notAfterDate: new Date(now + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  await mkdir(dir, { recursive: true });
  await writeFile(keyPath, made.private, { mode: 0o600 });
  await writeFile(certPath, made.cert);
  return { certPath, keyPath, cert: made.cert, key: made.private };
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM key and certificate pair. */
export interface TlsPair {
  readonly key: string;
  readonly cert: string;
}

/**
 * A fresh self-signed certificate for 127.0.0.1 (one day, RSA 2048), made with the system's
 * openssl for loopback HTTPS fakes. The files are read back and removed at once; nothing is left
 * on disk.
 */
export function selfSignedCertificate(): TlsPair {
  const directory = mkdtempSync(join(tmpdir(), 'secure-claude-tls-'));
  try {
    const keyPath = join(directory, 'key.pem');
    const certPath = join(directory, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1']
        .concat(['-addext', 'subjectAltName=IP:127.0.0.1'])
        .concat(['-keyout', keyPath, '-out', certPath]),
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * The TLS certificate every listener uses (SPEC M6, S1): a configured PEM pair, or a self-signed
 * one made on first start and kept in the data directory (remade when the domain changes or it
 * nears expiry). The private key file is readable by its owner only.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { HeraldError } from '../../kernel/errors.js';

export interface TlsCredentials {
  readonly cert: string;
  readonly key: string;
  readonly selfSigned: boolean;
  /** SHA-256 fingerprint, for operators to pin or compare. */
  readonly fingerprint256: string;
  readonly validTo: Date;
}

export interface TlsCredentialsOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly dataDir: string;
  readonly domain: string;
  readonly now?: Date;
}

const RENEW_BEFORE_MS = 30 * 86_400_000;

export async function loadOrCreateTlsCredentials(options: TlsCredentialsOptions): Promise<TlsCredentials> {
  if (options.certFile || options.keyFile) return loadConfigured(options);
  const dir = join(options.dataDir, 'tls');
  const certPath = join(dir, `${options.domain}.crt`);
  const keyPath = join(dir, `${options.domain}.key`);
  const now = options.now ?? new Date();
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    const x509 = new X509Certificate(cert);
    if (new Date(x509.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS && x509.checkHost(options.domain))
      return describe(cert, readFileSync(keyPath, 'utf8'), true);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const notAfter = new Date(now.getTime() + 2 * 365 * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: options.domain }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2 as const, value: options.domain },
          { type: 2 as const, value: `*.${options.domain}` },
          ...(options.domain === 'localhost' ? [] : [{ type: 2 as const, value: 'localhost' }]),
          { type: 7 as const, ip: '127.0.0.1' },
          { type: 7 as const, ip: '::1' },
        ],
      },
    ],
  });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert, { mode: 0o644 });
  return describe(pems.cert, pems.private, true);
}

function loadConfigured(options: TlsCredentialsOptions): TlsCredentials {
  if (!options.certFile || !options.keyFile)
    throw new HeraldError(
      'HERALD_ERR_CONFIG',
      `config: ${options.certFile ? 'tls.key' : 'tls.cert'}: must be set together with ${options.certFile ? 'tls.cert' : 'tls.key'}`,
      options.certFile ? 'tls.key' : 'tls.cert',
    );
  const read = (file: string, key: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new HeraldError(
        'HERALD_ERR_CONFIG',
        `config: ${key}: cannot read ${file}: ${(error as Error).message}`,
        key,
      );
    }
  };
  const cert = read(options.certFile, 'tls.cert');
  const key = read(options.keyFile, 'tls.key');
  try {
    return describe(cert, key, false);
  } catch (error) {
    throw new HeraldError(
      'HERALD_ERR_CONFIG',
      `config: tls.cert: not a PEM certificate: ${(error as Error).message}`,
      'tls.cert',
    );
  }
}

function describe(cert: string, key: string, selfSigned: boolean): TlsCredentials {
  const x509 = new X509Certificate(cert);
  return { cert, key, selfSigned, fingerprint256: x509.fingerprint256, validTo: new Date(x509.validTo) };
}

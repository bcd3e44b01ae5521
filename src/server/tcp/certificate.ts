/**
 * The TLS certificate of the TCP listener. `--cert`/`--key` name your own PEM files; otherwise a
 * self-signed certificate for the virtual hosts (and `localhost`, 127.0.0.1, ::1) is generated at
 * first start with `selfsigned` and kept in the data folder, so a device that was told to trust it
 * keeps trusting it across restarts. It is regenerated when it no longer covers the configured hosts
 * or is about to expire.
 *
 * The certificate is its own CA (basicConstraints cA, keyCertSign) so phones and emulators accept it
 * as a user-installed trust anchor; its lifetime stays under the 398 days Apple's and Google's
 * platforms allow a server certificate.
 */
import { X509Certificate } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { generate } from "selfsigned";

export interface TlsCredentials {
  cert: string;
  key: string;
  /** Where the certificate lives (shown to the user: it is what a device must trust). */
  certPath: string;
  /** True when this start generated it. */
  generated: boolean;
}

export interface CertificateOptions {
  /** Virtual hosts the certificate must name. */
  hosts: readonly string[];
  /** Folder for the generated certificate (default `.data` in the working directory). */
  dataDir?: string;
  /** Your own certificate and key (PEM); both or neither. */
  certFile?: string;
  keyFile?: string;
}

export const DEFAULT_DATA_DIR = ".data";
const LIFETIME_DAYS = 397;
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

export class CertificateError extends Error {}

export function certificateDir(dataDir: string = DEFAULT_DATA_DIR): string {
  return resolve(dataDir, "tls");
}

export async function loadOrCreateCertificate(options: CertificateOptions): Promise<TlsCredentials> {
  if (options.certFile !== undefined || options.keyFile !== undefined) return loadOwn(options);
  const dir = certificateDir(options.dataDir);
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  const existing = await readPair(certPath, keyPath);
  if (existing && covers(existing.cert, options.hosts)) return { ...existing, certPath, generated: false };
  const created = await createCertificate(options.hosts);
  await mkdir(dir, { recursive: true });
  await writeFile(keyPath, created.key, { mode: 0o600 });
  await writeFile(certPath, created.cert, { mode: 0o644 });
  return { ...created, certPath, generated: true };
}

/** A fresh self-signed certificate naming these hosts (not written anywhere). */
export async function createCertificate(hosts: readonly string[]): Promise<{ cert: string; key: string }> {
  const names = [...new Set(["localhost", ...hosts])];
  const now = Date.now();
  const result = await generate([{ name: "commonName", value: names[0] ?? "localhost" }, { name: "organizationName", value: "XMPP Push Playground (dev)" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 3600 * 1000),
    notAfterDate: new Date(now + LIFETIME_DAYS * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [...names.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: "127.0.0.1" }, { type: 7 as const, ip: "::1" }],
      },
    ],
  });
  return { cert: result.cert, key: result.private };
}

function covers(certPem: string, hosts: readonly string[]): boolean {
  try {
    const x509 = new X509Certificate(certPem);
    if (Date.parse(x509.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    return hosts.every((h) => x509.checkHost(h) !== undefined);
  } catch {
    return false;
  }
}

async function readPair(certPath: string, keyPath: string): Promise<{ cert: string; key: string } | null> {
  try {
    return { cert: await readFile(certPath, "utf8"), key: await readFile(keyPath, "utf8") };
  } catch {
    return null;
  }
}

async function loadOwn(options: CertificateOptions): Promise<TlsCredentials> {
  const { certFile, keyFile } = options;
  if (certFile === undefined || keyFile === undefined) throw new CertificateError("--cert and --key go together: give both PEM files");
  const read = async (path: string, what: string): Promise<string> => {
    try {
      return await readFile(path, "utf8");
    } catch (err) {
      throw new CertificateError(`cannot read the TLS ${what} ${path}: ${(err as Error).message}`);
    }
  };
  const cert = await read(certFile, "certificate");
  const key = await read(keyFile, "key");
  try {
    new X509Certificate(cert);
  } catch (err) {
    throw new CertificateError(`${certFile} is not a PEM certificate: ${(err as Error).message}`);
  }
  return { cert, key, certPath: resolve(certFile), generated: false };
}

import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CertificateError, loadOrCreateCertificate } from "./certificate";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xpp-cert-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the TLS certificate", () => {
  it("is generated at first start, kept in the data folder and reused", async () => {
    const dataDir = join(dir, "a");
    const first = await loadOrCreateCertificate({ hosts: ["localhost", "spec.localhost"], dataDir });
    expect(first.generated).toBe(true);
    expect(first.certPath).toBe(join(dataDir, "tls", "cert.pem"));
    const x509 = new X509Certificate(first.cert);
    expect(x509.ca).toBe(true);
    expect(x509.checkHost("spec.localhost")).toBe("spec.localhost");
    expect(x509.checkIP("127.0.0.1")).toBe("127.0.0.1");
    const again = await loadOrCreateCertificate({ hosts: ["localhost", "spec.localhost"], dataDir });
    expect(again.generated).toBe(false);
    expect(again.cert).toBe(first.cert);
    expect(await readFile(join(dataDir, "tls", "key.pem"), "utf8")).toBe(first.key);
  });

  it("is generated anew when it does not name a configured host", async () => {
    const dataDir = join(dir, "b");
    const first = await loadOrCreateCertificate({ hosts: ["localhost"], dataDir });
    const widened = await loadOrCreateCertificate({ hosts: ["localhost", "new.localhost"], dataDir });
    expect(widened.generated).toBe(true);
    expect(widened.cert).not.toBe(first.cert);
    expect(new X509Certificate(widened.cert).checkHost("new.localhost")).toBe("new.localhost");
  });

  it("uses --cert/--key as given, and says what is wrong with them", async () => {
    const own = await loadOrCreateCertificate({ hosts: ["localhost"], dataDir: join(dir, "c") });
    const certFile = join(dir, "own.pem");
    const keyFile = join(dir, "own.key");
    await writeFile(certFile, own.cert);
    await writeFile(keyFile, own.key);
    expect(await loadOrCreateCertificate({ hosts: ["localhost"], certFile, keyFile })).toMatchObject({ cert: own.cert, key: own.key, certPath: certFile, generated: false });
    await expect(loadOrCreateCertificate({ hosts: ["localhost"], certFile })).rejects.toThrow(CertificateError);
    await expect(loadOrCreateCertificate({ hosts: ["localhost"], certFile: join(dir, "missing.pem"), keyFile })).rejects.toThrow(/cannot read the TLS certificate/);
    await expect(loadOrCreateCertificate({ hosts: ["localhost"], certFile: keyFile, keyFile })).rejects.toThrow(/is not a PEM certificate/);
  });
});

import { readFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Stands in when a worker cannot read the service's CA (a worker host without the data
 * directory): a PEM-shaped block that says so, rather than no ConfigMap at all.
 */
export const placeholderCaPem =
  "-----BEGIN CERTIFICATE-----\nkubesandbox: the cluster CA was not readable by this worker\n-----END CERTIFICATE-----\n";

/**
 * The cluster's CA certificate, the one kubeconfigs trust and every namespace's
 * `kube-root-ca.crt` publishes: `<DATA_DIR>/tls/ca.crt`, which `npm start` makes on first start
 * and workers on the same host share.
 */
export async function readClusterCaPem(dataDir: string): Promise<string> {
  try {
    return await readFile(join(dataDir, "tls", "ca.crt"), "utf8");
  } catch {
    return placeholderCaPem;
  }
}

import { resolve } from "node:path";
import { describeKubectl } from "../support/kubectl-suite.ts";

// Debian's kubernetes-client (1.20), unpacked by .ci/install-clients into .ci/tools.
describeKubectl({
  minor: 20,
  binary: resolve(
    import.meta.dirname,
    "..",
    "..",
    ".ci",
    "tools",
    "kubernetes-client",
    "usr",
    "bin",
    "kubectl",
  ),
  source: "Debian's kubernetes-client, unpacked by .ci/install-clients",
});

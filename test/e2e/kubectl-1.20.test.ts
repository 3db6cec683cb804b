import { describeKubectl } from "../support/kubectl-suite.ts";
import { debianKubectlPath } from "../support/service.ts";

// Debian's kubernetes-client (1.20), unpacked by .ci/install-clients into .ci/tools.
describeKubectl({
  minor: 20,
  binary: debianKubectlPath,
  source: "Debian's kubernetes-client, unpacked by .ci/install-clients",
});

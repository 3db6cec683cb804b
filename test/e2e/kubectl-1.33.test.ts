import { bundledKubectl, describeKubectl } from "../support/kubectl-suite.ts";

describeKubectl(bundledKubectl(33));

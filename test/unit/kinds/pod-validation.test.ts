import { describe, expect, it } from "vitest";
import { podKind } from "../../../kube/kinds/pod/index.ts";
import { nginx, problems } from "./workload-support.ts";

const pod = (spec: Record<string, unknown>) => ({ spec });
const withContainer = (extra: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
  pod({ containers: [{ ...nginx, ...extra }], ...spec });

const label =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe("pod validation, in the API server's words", () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ["a valid pod", withContainer({}), []],
    ["no containers", pod({}), ["spec.containers: Required value"]],
    ["an empty container list", pod({ containers: [] }), ["spec.containers: Required value"]],
    ["no image", pod({ containers: [{ name: "c" }] }), ["spec.containers[0].image: Required value"]],
    [
      "no container name",
      pod({ containers: [{ image: "nginx" }] }),
      ["spec.containers[0].name: Required value"],
    ],
    [
      "a container name that is no DNS label",
      withContainer({ name: "Web_1" }),
      [`spec.containers[0].name: Invalid value: "Web_1": ${label}`],
    ],
    [
      "duplicate container names",
      pod({ containers: [nginx, nginx] }),
      ['spec.containers[1].name: Duplicate value: "nginx"'],
    ],
    [
      "a container port out of range",
      withContainer({ ports: [{ containerPort: 70000 }] }),
      [
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      ],
    ],
    [
      "a container port of zero",
      withContainer({ ports: [{ containerPort: 0 }] }),
      ["spec.containers[0].ports[0].containerPort: Required value"],
    ],
    [
      "a host port out of range",
      withContainer({ ports: [{ containerPort: 80, hostPort: -1 }] }),
      ["spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive"],
    ],
    [
      "an unknown protocol",
      withContainer({ ports: [{ containerPort: 80, protocol: "HTTP" }] }),
      [
        'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      ],
    ],
    [
      "a port name that is no IANA service name",
      withContainer({ ports: [{ containerPort: 80, name: "Web" }] }),
      [
        'spec.containers[0].ports[0].name: Invalid value: "Web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    ],
    [
      "a port name of digits only and too long",
      withContainer({ ports: [{ containerPort: 80, name: "1234567890123456" }] }),
      [
        'spec.containers[0].ports[0].name: Invalid value: "1234567890123456": must be no more than 15 characters',
        'spec.containers[0].ports[0].name: Invalid value: "1234567890123456": must contain at least one letter (a-z)',
      ],
    ],
    [
      "duplicate port names",
      withContainer({
        ports: [
          { containerPort: 80, name: "web" },
          { containerPort: 81, name: "web" },
        ],
      }),
      ['spec.containers[0].ports[1].name: Duplicate value: "web"'],
    ],
    [
      "the same host port twice",
      pod({
        containers: [
          { ...nginx, ports: [{ containerPort: 80, hostPort: 8080 }] },
          { name: "b", image: "b", ports: [{ containerPort: 81, hostPort: 8080 }] },
        ],
      }),
      ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
    ],
    [
      "an unknown restart policy",
      withContainer({}, { restartPolicy: "Sometimes" }),
      [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      ],
    ],
    [
      "an unknown DNS policy",
      withContainer({}, { dnsPolicy: "Google" }),
      [
        'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
      ],
    ],
    [
      "a mount of a volume that does not exist",
      withContainer({ volumeMounts: [{ name: "x", mountPath: "/x" }] }),
      ['spec.containers[0].volumeMounts[0].name: Not found: "x"'],
    ],
    [
      "a mount without a path",
      withContainer({ volumeMounts: [{ name: "v" }] }, { volumes: [{ name: "v", emptyDir: {} }] }),
      ["spec.containers[0].volumeMounts[0].mountPath: Required value"],
    ],
    [
      "duplicate volume names",
      withContainer({}, { volumes: [{ name: "v" }, { name: "v" }] }),
      ['spec.volumes[1].name: Duplicate value: "v"'],
    ],
    [
      "two sources in one volume",
      withContainer({}, { volumes: [{ name: "v", emptyDir: {}, hostPath: { path: "/data" } }] }),
      ["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"],
    ],
    [
      "a secret volume without a name",
      withContainer({}, { volumes: [{ name: "v", secret: {} }] }),
      ["spec.volumes[0].secret.secretName: Required value"],
    ],
    [
      "a hostPath without a path, and a claim without a name",
      withContainer(
        {},
        {
          volumes: [
            { name: "a", hostPath: {} },
            { name: "b", persistentVolumeClaim: {} },
          ],
        },
      ),
      [
        "spec.volumes[0].hostPath.path: Required value",
        "spec.volumes[1].persistentVolumeClaim.claimName: Required value",
      ],
    ],
    [
      "an unknown hostPath type",
      withContainer({}, { volumes: [{ name: "a", hostPath: { path: "/x", type: "Folder" } }] }),
      [
        'spec.volumes[0].hostPath.type: Unsupported value: "Folder": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
      ],
    ],
    [
      "a configMap item climbing out",
      withContainer(
        {},
        { volumes: [{ name: "a", configMap: { name: "c", items: [{ key: "k", path: "../x" }] } }] },
      ),
      ["spec.volumes[0].configMap.items[0].path: Invalid value: \"../x\": must not contain '..'"],
    ],
    [
      "a volume name that is no DNS label",
      withContainer({}, { volumes: [{ name: "My_Vol", emptyDir: {} }] }),
      [`spec.volumes[0].name: Invalid value: "My_Vol": ${label}`],
    ],
    [
      "an env var without a name",
      withContainer({ env: [{ value: "x" }] }),
      ["spec.containers[0].env[0].name: Required value"],
    ],
    [
      "an env var name with '='",
      withContainer({ env: [{ name: "A=B", value: "x" }] }),
      [
        "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      ],
    ],
    [
      "an env var from an unsupported field",
      withContainer({ env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "spec.foo" } } }] }),
      [
        'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "spec.foo": error converting fieldPath: field label not supported: spec.foo',
      ],
    ],
    [
      "a request above its limit",
      withContainer({ resources: { requests: { cpu: "2" }, limits: { cpu: "1" } } }),
      [
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      ],
    ],
    [
      "a request above its limit, in canonical units",
      withContainer({ resources: { requests: { memory: "2048Mi" }, limits: { memory: "1Gi" } } }),
      [
        'spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi',
      ],
    ],
    [
      "a negative request",
      withContainer({ resources: { requests: { cpu: "-1" } } }),
      ['spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0'],
    ],
    [
      "a resource that is not for containers (the limit is copied into requests first)",
      withContainer({ resources: { limits: { pods: "1" } } }),
      [
        'spec.containers[0].resources.limits[pods]: Invalid value: "pods": must be a standard resource for containers',
        'spec.containers[0].resources.requests[pods]: Invalid value: "pods": must be a standard resource for containers',
      ],
    ],
    [
      "a bad node selector",
      withContainer({}, { nodeSelector: { disk: "ssd drive" } }),
      [
        "spec.nodeSelector: Invalid value: \"ssd drive\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    [
      "a toleration without key and with Equal",
      withContainer({}, { tolerations: [{ operator: "Equal", value: "x" }] }),
      [
        'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      ],
    ],
    [
      "tolerationSeconds without NoExecute",
      withContainer(
        {},
        { tolerations: [{ key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 5 }] },
      ),
      [
        "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
      ],
    ],
    [
      "an unknown toleration effect",
      withContainer({}, { tolerations: [{ key: "k", operator: "Exists", effect: "Evict" }] }),
      [
        'spec.tolerations[0].effect: Unsupported value: "Evict": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      ],
    ],
    [
      "an unknown pull policy",
      withContainer({ imagePullPolicy: "Sometimes" }),
      [
        'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      ],
    ],
    [
      "an image with trailing space",
      withContainer({ image: "nginx " }),
      ['spec.containers[0].image: Invalid value: "nginx ": must not have leading or trailing whitespace'],
    ],
    [
      "an activeDeadlineSeconds of zero",
      withContainer({}, { activeDeadlineSeconds: 0 }),
      ["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"],
    ],
    [
      "a probe without a handler",
      withContainer({ livenessProbe: { initialDelaySeconds: 3 } }),
      ["spec.containers[0].livenessProbe: Required value: must specify a handler type"],
    ],
    [
      "restartPolicy on a regular container",
      withContainer({ restartPolicy: "Always" }),
      ["spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"],
    ],
  ];

  it.each(cases)("%s", (_name, manifest, expected) => {
    expect(problems(podKind, manifest)).toEqual(expected);
  });
});

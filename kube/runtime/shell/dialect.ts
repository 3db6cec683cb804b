import { catalogueName } from "../servers/catalogue.ts";

/**
 * Whose words a container's tools and shell speak: BusyBox's in busybox and alpine images,
 * GNU's elsewhere; and the shell that `sh` is there — BusyBox's ash, Debian's dash (nginx,
 * ubuntu, debian and most official images), or bash where the image's sh is bash (the Red Hat
 * family, Arch). Each says a failed redirection its own way, in its own exit status.
 */

/** Images whose tools are BusyBox's. */
const busyboxImages = new Set(["busybox", "alpine", "registry.k8s.io/busybox", "k8s.gcr.io/busybox"]);

/** Images whose /bin/sh is bash. */
const bashShImages = new Set([
  "centos",
  "fedora",
  "rockylinux",
  "almalinux",
  "oraclelinux",
  "amazonlinux",
  "archlinux",
]);

/** Whose tools an image ships. */
export function toolFlavor(image: string): "busybox" | "gnu" {
  return busyboxImages.has(catalogueName(image)) ? "busybox" : "gnu";
}

/** A shell as a script's errors show it: which one, and the name it was called by. */
export interface ShellDialect {
  kind: "ash" | "dash" | "bash";
  /** argv[0]'s basename: "sh", "bash". */
  name: string;
}

/** The shell that runs `argv` (a shell's command line) in an image. */
export function shellDialect(image: string, argv: readonly string[]): ShellDialect {
  const first = argv[0] ?? "sh";
  const name = first.slice(first.lastIndexOf("/") + 1) || "sh";
  if (toolFlavor(image) === "busybox") return { kind: "ash", name };
  if (name === "bash" || bashShImages.has(catalogueName(image))) return { kind: "bash", name };
  return { kind: "dash", name };
}

/**
 * What the shell prints, and its status, when a redirection cannot open `path` (`reason` the
 * errno's text): ash `sh: can't create P: R` (1), dash `sh: 1: cannot create P: R` (2, the
 * script's line), bash `bash: line 1: P: R` (1).
 */
export function redirectionFailure(
  shell: ShellDialect,
  path: string,
  reason: string,
  line: number,
): { message: string; status: number } {
  switch (shell.kind) {
    case "ash":
      return { message: `${shell.name}: can't create ${path}: ${reason}\n`, status: 1 };
    case "dash":
      return { message: `${shell.name}: ${line}: cannot create ${path}: ${reason}\n`, status: 2 };
    default:
      return { message: `${shell.name}: line ${line}: ${path}: ${reason}\n`, status: 1 };
  }
}

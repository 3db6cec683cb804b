/**
 * Docker image references as the kubelet's parsers.ParseImageName reads them: enough to tell
 * whether an image names a tag, and which, for the imagePullPolicy default.
 */

const component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const domain =
  "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?";
const reference = new RegExp(
  `^(?:(${domain})/)?(${component}(?:/${component})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}))?$`,
);

/** The tag an image names: its own, "latest" when it names neither tag nor digest, "" when unparsable or digest-only. */
export function imageTag(image: string): string {
  const m = reference.exec(image);
  if (!m || image.length > 255) return "";
  const tag = m[3] ?? "";
  const digest = m[4] ?? "";
  if (!tag && !digest) return "latest";
  return tag;
}

/** The imagePullPolicy default: Always for `:latest` or no tag, IfNotPresent otherwise. */
export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  return imageTag(image) === "latest" ? "Always" : "IfNotPresent";
}

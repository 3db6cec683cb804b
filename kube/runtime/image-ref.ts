/**
 * Image references as the container runtime reads them (distribution/reference's
 * ParseNormalizedNamed): a short name gets the docker.io domain and, with one path component,
 * the library/ namespace; no tag means :latest. The errors are that package's words, which the
 * kubelet wraps into InvalidImageName.
 */

/** A parsed, normalized image reference. */
export interface ImageRef {
  /** "docker.io", "registry.k8s.io", "localhost:5000". */
  domain: string;
  /** "library/nginx", "bitnami/redis". */
  path: string;
  /** The tag, "latest" when neither tag nor digest is given, "" for a digest-only reference. */
  tag: string;
  /** "sha256:…" or "". */
  digest: string;
}

const component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const domainPart = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainPattern = `(?:${domainPart}(?:\\.${domainPart})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const reference = new RegExp(
  `^(${domainPattern})/(${component}(?:/${component})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}))?$`,
);

/** splitDockerDomain: the first path part is a domain when it has a dot or a port, or is localhost. */
function splitDomain(name: string): [string, string] {
  const i = name.indexOf("/");
  const first = name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== "localhost" && first.toLowerCase() === first))
    return ["docker.io", name];
  return [first === "index.docker.io" ? "docker.io" : first, name.slice(i + 1)];
}

/**
 * References parsed, by their text: every sync of every pod reads its images' again, and a
 * sandbox runs a handful of images. Frozen, as each is shared; bounded, the oldest going first.
 */
const parsedRefs = new Map<string, Readonly<ImageRef> | string>();
const parsedRefsMax = 1024;

/** Parses an image reference; a string is the parse error, in the runtime's words. */
export function parseImageRef(image: string): Readonly<ImageRef> | string {
  let ref = parsedRefs.get(image);
  if (ref === undefined) {
    ref = parse(image);
    if (typeof ref !== "string") Object.freeze(ref);
    if (parsedRefs.size >= parsedRefsMax) parsedRefs.delete(parsedRefs.keys().next().value as string);
    parsedRefs.set(image, ref);
  }
  return ref;
}

function parse(image: string): ImageRef | string {
  if (/^[a-f0-9]{64}$/.test(image))
    return `invalid repository name (${image}), cannot specify 64-byte hexadecimal strings`;
  let [domain, remainder] = splitDomain(image);
  if (domain === "docker.io" && !remainder.includes("/")) remainder = `library/${remainder}`;
  const colon = remainder.indexOf(":");
  const remoteName = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remoteName.toLowerCase() !== remoteName)
    return `invalid reference format: repository name (${remoteName}) must be lowercase`;
  const m = reference.exec(`${domain}/${remainder}`);
  if (!m) return "invalid reference format";
  if ((m[1] as string).length + 1 + (m[2] as string).length > 255)
    return "repository name must not be more than 255 characters";
  const digest = m[4] ?? "";
  return { domain, path: m[2] as string, tag: m[3] ?? (digest ? "" : "latest"), digest };
}

/** The reference as the runtime reports it: "docker.io/library/nginx:latest". */
export function normalizedImage(ref: ImageRef): string {
  const name = `${ref.domain}/${ref.path}`;
  return `${name}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** The image normalized, or the image as given when it does not parse. */
export function normalizeImage(image: string): string {
  const ref = parseImageRef(image);
  return typeof ref === "string" ? image : normalizedImage(ref);
}

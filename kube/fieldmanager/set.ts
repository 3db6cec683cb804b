import { isPlainObject } from "../object.ts";
import { compareElements, type Path, type PathElement, parseElement } from "./path.ts";

/**
 * A set of field paths as structured-merge-diff keeps it: a trie whose nodes hold the
 * elements that are members at that level and the children to descend into. A path can be a
 * member and have children at once (FieldsV1 writes that as `".": {}`). Every operation is
 * exact on paths: removing `a` does not remove `a.b`.
 */
export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  /** A set of the given paths. */
  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (the empty path is ignored: the root is never a member). */
  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i] as PathElement;
      let child = node.children.get(pe);
      if (!child) {
        child = new FieldSet();
        node.children.set(pe, child);
      }
      node = child;
    }
    node.members.add(path[path.length - 1] as PathElement);
  }

  /** Whether the path is a member. */
  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(path[i] as PathElement);
    return node?.members.has(path[path.length - 1] as PathElement) ?? false;
  }

  /** The paths below one element, without it (WithPrefix); empty when there are none. */
  child(pe: PathElement): FieldSet {
    return this.children.get(pe) ?? new FieldSet();
  }

  /** Whether no path is a member, at any depth. */
  isEmpty(): boolean {
    if (this.members.size) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  // The set operations walk both tries level by level (as structured-merge-diff's do), instead
  // of listing every path: they run on every write, for each manager of the object.

  /** Paths in either set. */
  union(other: FieldSet): FieldSet {
    const out = this.copy();
    out.add(other);
    return out;
  }

  /** Adds every path of `other` to this set. */
  private add(other: FieldSet): void {
    for (const pe of other.members) this.members.add(pe);
    for (const [pe, c] of other.children) {
      let mine = this.children.get(pe);
      if (!mine) {
        mine = new FieldSet();
        this.children.set(pe, mine);
      }
      mine.add(c);
    }
  }

  /** Whether a path is in both sets: false lets a manager's set untouched by a write stay as it is. */
  intersects(other: FieldSet): boolean {
    for (const pe of this.members) if (other.members.has(pe)) return true;
    for (const [pe, c] of this.children) {
      const theirs = other.children.get(pe);
      if (theirs && c.intersects(theirs)) return true;
    }
    return false;
  }

  /** Whether every path of this set is in the other. */
  isSubsetOf(other: FieldSet): boolean {
    for (const pe of this.members) if (!other.members.has(pe)) return false;
    for (const [pe, c] of this.children) {
      const theirs = other.children.get(pe);
      if (!(theirs ? c.isSubsetOf(theirs) : c.isEmpty())) return false;
    }
    return true;
  }

  /** Whether both sets hold the same paths. */
  equals(other: FieldSet): boolean {
    return this.isSubsetOf(other) && other.isSubsetOf(this);
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const pe of this.members) if (other.members.has(pe)) out.members.add(pe);
    for (const [pe, c] of this.children) {
      const theirs = other.children.get(pe);
      if (!theirs) continue;
      const both = c.intersection(theirs);
      if (!both.isEmpty()) out.children.set(pe, both);
    }
    return out;
  }

  /** Paths in this set and not in the other. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const pe of this.members) if (!other.members.has(pe)) out.members.add(pe);
    for (const [pe, c] of this.children) {
      const theirs = other.children.get(pe);
      const left = theirs ? c.difference(theirs) : c.copy();
      if (!left.isEmpty()) out.children.set(pe, left);
    }
    return out;
  }

  /** A copy that can be changed without changing this one. */
  copy(): FieldSet {
    const out = new FieldSet();
    for (const pe of this.members) out.members.add(pe);
    for (const [pe, c] of this.children) if (!c.isEmpty()) out.children.set(pe, c.copy());
    return out;
  }

  /**
   * The set plus every field that has members below it (EnsureNamedFieldsAreMembers): owning
   * `spec.replicas` means owning `spec` too when deciding what an apply may remove. Map keys
   * are treated as named fields; it changes nothing for the string maps Kubernetes uses.
   */
  withNamedFields(): FieldSet {
    const out = this.copy();
    const walk = (s: FieldSet, prefix: Path) => {
      for (const [pe, c] of s.children) {
        if (pe.startsWith("f:") && !c.isEmpty()) out.insert([...prefix, pe]);
        walk(c, [...prefix, pe]);
      }
    };
    walk(this, []);
    return out;
  }

  /** Every member path, in the order Set.Iterate visits them: members, then children, each sorted. */
  paths(): Path[] {
    const out: Path[] = [];
    for (const pe of [...this.members].sort(compareElements)) out.push([pe]);
    for (const pe of [...this.children.keys()].sort(compareElements))
      for (const p of this.child(pe).paths()) out.push([pe, ...p]);
    return out;
  }

  /** The FieldsV1 form stored in managedFields: `{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`. */
  toFieldsV1(): Record<string, unknown> {
    // Each element once: a member's `{}`, or the non-empty form of its children.
    const below = new Map<PathElement, Record<string, unknown> | null>();
    for (const pe of this.members) below.set(pe, null);
    for (const [pe, c] of this.children) {
      const form = c.toFieldsV1();
      for (const _ in form) {
        below.set(pe, form);
        break;
      }
    }
    const out: Record<string, unknown> = {};
    for (const pe of [...below.keys()].sort(compareElements)) {
      const form = below.get(pe);
      if (!form) out[pe] = {};
      else out[pe] = this.members.has(pe) ? { ".": {}, ...form } : form;
    }
    return out;
  }

  /** The paths whose first element `keep` accepts: a set cut to some top-level fields. */
  filterTop(keep: (pe: PathElement) => boolean): FieldSet {
    const out = new FieldSet();
    for (const pe of this.members) if (keep(pe)) out.members.add(pe);
    for (const [pe, c] of this.children) if (keep(pe) && !c.isEmpty()) out.children.set(pe, c.copy());
    return out;
  }

  /** Reads a FieldsV1 object; throws on malformed input. Unknown element types are dropped. */
  static fromFieldsV1(fields: unknown): FieldSet {
    const out = new FieldSet();
    // Returns whether the node had children; a node without any is a member itself.
    const read = (node: unknown, prefix: Path): boolean => {
      if (!isPlainObject(node)) throw new Error("fieldsV1 must be a JSON object");
      let hasChildren = false;
      for (const [key, value] of Object.entries(node)) {
        if (key === ".") continue;
        const pe = parseElement(key);
        if (pe === null) continue;
        const path = [...prefix, pe];
        if (!read(value, path) || Object.hasOwn(value as object, ".")) out.insert(path);
        hasChildren = true;
      }
      return hasChildren;
    };
    read(fields, []);
    return out;
  }
}

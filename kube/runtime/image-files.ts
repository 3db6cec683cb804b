import type { ImageInfo } from "./images.ts";

/**
 * The files an image brings (its read-only base): the OS's identity, each server's entrypoint
 * script, config and default content. Entrypoints are shell scripts run by the container's
 * shell, as the real ones are; the programs they start are the pod's world's commands
 * (shell/commands/). A binary this catalogue does not know is a script that keeps running.
 */

/** One file: text and mode. */
export interface ImageFile {
  content: string;
  mode: number;
}

/** The PATH of the catalogue's images (Debian's and Alpine's, as their Dockerfiles set it). */
export const imagePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const exe = (content: string): ImageFile => ({ content, mode: 0o755 });
const text = (content: string): ImageFile => ({ content, mode: 0o644 });

const osRelease: Record<string, string> = {
  debian: `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`,
  ubuntu: `PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
`,
  alpine: `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.21.0
PRETTY_NAME="Alpine Linux v3.21"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
`,
  centos: `NAME="CentOS Linux"
VERSION="8"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="8"
PLATFORM_ID="platform:el8"
PRETTY_NAME="CentOS Linux 8"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:8"
HOME_URL="https://centos.org/"
`,
  busybox: "",
};

const passwd = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;

/** nginx's welcome page, byte for byte (615 bytes). */
export const nginxWelcome = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** httpd's default page. */
export const httpdWelcome = "<html><body><h1>It works!</h1></body></html>\n";

// The entrypoint's messages come from the `nginx-entrypoint` command, which prints them as it
// goes (a script's output would reach the log only once nginx, which never ends, returned).
const nginxEntrypoint = `#!/bin/sh
# vim:sw=4:ts=4:et
set -e
exec nginx-entrypoint "$@"
`;

const nginxDefaultConf = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

const nginxConf = `user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /var/run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
`;

const postgresEntrypoint = `#!/usr/bin/env bash
set -Eeo pipefail
if [ "$1" = "postgres" ] && [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != "trust" ]; then
    cat >&2 <<'EOE'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.

       See PostgreSQL documentation about "trust":
       https://www.postgresql.org/docs/current/auth-trust.html
EOE
    exit 1
fi
exec "$@"
`;

const mysqlEntrypoint = (prefix: string) => `#!/bin/bash
set -eo pipefail
note() { echo "$(date '+%Y-%m-%d %H:%M:%S+00:00') [Note] [Entrypoint]: $*"; }
if [ "$1" = "mysqld" ] || [ "$1" = "mariadbd" ]; then
    note "Entrypoint script for MySQL Server 9.1.0-1.el9 started."
    note "Switching to dedicated user 'mysql'"
    note "Entrypoint script for MySQL Server 9.1.0-1.el9 started."
    if [ -z "$${prefix}_ROOT_PASSWORD" ] && [ -z "$${prefix}_ALLOW_EMPTY_PASSWORD" ] && [ -z "$${prefix}_RANDOM_ROOT_PASSWORD" ]; then
        echo "$(date '+%Y-%m-%d %H:%M:%S+00:00') [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified
    You need to specify one of the following as an environment variable:
    - ${prefix}_ROOT_PASSWORD
    - ${prefix}_ALLOW_EMPTY_PASSWORD
    - ${prefix}_RANDOM_ROOT_PASSWORD" >&2
        exit 1
    fi
fi
exec "$@"
`;

const redisEntrypoint =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansions, not placeholders
  '#!/bin/sh\nset -e\n# first arg is `-f` or `--some-option`, or a .conf file\nif [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then\n\tset -- redis-server "$@"\nfi\nexec "$@"\n';

const passThrough = `#!/bin/sh
set -e
exec "$@"
`;

/** The OS family an image is built on, for /etc/os-release. */
function family(library: string): keyof typeof osRelease {
  if (["alpine", "traefik", "caddy", "nats", "registry"].includes(library)) return "alpine";
  if (library === "busybox") return "busybox";
  if (["centos", "fedora", "rockylinux", "almalinux", "oraclelinux", "amazonlinux"].includes(library))
    return "centos";
  if (library === "ubuntu") return "ubuntu";
  return "debian";
}

/** Files the image's own programs need (entrypoints, config, default content). */
function programFiles(library: string): Record<string, ImageFile> {
  switch (library) {
    case "nginx":
      return {
        "/docker-entrypoint.sh": exe(nginxEntrypoint),
        "/usr/share/nginx/html/index.html": text(nginxWelcome),
        "/usr/share/nginx/html/50x.html": text(
          "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n",
        ),
        "/etc/nginx/nginx.conf": text(nginxConf),
        "/etc/nginx/conf.d/default.conf": text(nginxDefaultConf),
        "/var/log/nginx/access.log": text(""),
        "/var/log/nginx/error.log": text(""),
      };
    case "httpd":
      return {
        "/usr/local/bin/httpd-foreground": exe(
          '#!/bin/sh\nset -e\nrm -f /usr/local/apache2/logs/httpd.pid\nexec httpd -DFOREGROUND "$@"\n',
        ),
        "/usr/local/apache2/htdocs/index.html": text(httpdWelcome),
        "/usr/local/apache2/conf/httpd.conf": text(
          'ServerRoot "/usr/local/apache2"\nListen 80\nDocumentRoot "/usr/local/apache2/htdocs"\n',
        ),
      };
    case "postgres":
      return { "/usr/local/bin/docker-entrypoint.sh": exe(postgresEntrypoint) };
    case "mysql":
      return { "/usr/local/bin/docker-entrypoint.sh": exe(mysqlEntrypoint("MYSQL")) };
    case "mariadb":
      return { "/usr/local/bin/docker-entrypoint.sh": exe(mysqlEntrypoint("MARIADB")) };
    case "redis":
      return {
        "/usr/local/bin/docker-entrypoint.sh": exe(redisEntrypoint),
        "/data/.keep": text(""),
      };
    case "hello-world":
      return { "/hello": exe("#!/bin/sh\nhello\n") };
    default:
      return {};
  }
}

/** Entrypoint scripts every image with a docker-entrypoint gets, so `exec "$@"` wrappers resolve. */
function entrypointFiles(info: ImageInfo): Record<string, ImageFile> {
  const files: Record<string, ImageFile> = {};
  const first = info.entrypoint[0];
  if (!first) return files;
  const path = first.startsWith("/") ? first : `/usr/local/bin/${first}`;
  files[path] = exe(passThrough);
  return files;
}

/** The image's read-only files, by absolute path. */
export function imageFiles(info: ImageInfo): Record<string, ImageFile> {
  const library = info.repo.startsWith("docker.io/library/")
    ? info.repo.slice("docker.io/library/".length)
    : "";
  const files: Record<string, ImageFile> = {
    "/etc/passwd": text(passwd),
    "/etc/group": text("root:x:0:\ndaemon:x:1:\nnobody:x:65534:\n"),
    "/root/.keep": text(""),
    "/tmp/.keep": text(""),
    "/var/tmp/.keep": text(""),
  };
  const os = osRelease[family(library)];
  if (os) files["/etc/os-release"] = text(os);
  if (family(library) === "centos") files["/etc/centos-release"] = text("CentOS Linux release 8.4.2105\n");
  if (family(library) === "alpine") files["/etc/alpine-release"] = text("3.21.0\n");
  if (family(library) === "debian" || family(library) === "ubuntu")
    files["/etc/debian_version"] = text("12.8\n");
  Object.assign(files, entrypointFiles(info), programFiles(library));
  if (info.repo === "registry.k8s.io/pause") files["/pause"] = exe("#!/bin/sh\npause\n");
  if (!library && !(info.repo in knownRepos)) {
    // An image the catalogue does not know: its entrypoint is a program that keeps running.
    for (const bin of [info.entrypoint[0], info.cmd[0]]) {
      if (bin?.startsWith("/")) files[bin] = exe(`#!/bin/sh\n__serve ${bin} "$@"\n`);
    }
  }
  if (info.repo === "registry.k8s.io/e2e-test-images/agnhost")
    files["/agnhost"] = exe('#!/bin/sh\nagnhost "$@"\n');
  if (info.repo === "gcr.io/google-samples/hello-app") files["/hello-app"] = exe("#!/bin/sh\nhello-app\n");
  if (info.repo === "registry.k8s.io/etcd")
    files["/usr/local/bin/etcd"] = exe('#!/bin/sh\nexec /bin/etcd "$@"\n');
  return files;
}

const knownRepos: Record<string, true> = {
  "registry.k8s.io/pause": true,
  "registry.k8s.io/e2e-test-images/agnhost": true,
  "registry.k8s.io/etcd": true,
};

CREATE TABLE "container_runs" (
	"sandbox_id" uuid NOT NULL,
	"pod_uid" text NOT NULL,
	"container_id" text NOT NULL,
	"evaluation" jsonb NOT NULL,
	"journaled" boolean DEFAULT false NOT NULL,
	CONSTRAINT "container_runs_sandbox_id_pod_uid_container_id_pk" PRIMARY KEY("sandbox_id","pod_uid","container_id")
);
--> statement-breakpoint
CREATE TABLE "pod_files" (
	"sandbox_id" uuid NOT NULL,
	"pod_uid" text NOT NULL,
	"scope" text NOT NULL,
	"path" text NOT NULL,
	"kind" text NOT NULL,
	"mode" integer NOT NULL,
	"content" "bytea" NOT NULL,
	CONSTRAINT "pod_files_sandbox_id_pod_uid_scope_path_pk" PRIMARY KEY("sandbox_id","pod_uid","scope","path")
);
--> statement-breakpoint
CREATE TABLE "pod_log_lines" (
	"sandbox_id" uuid NOT NULL,
	"pod_uid" text NOT NULL,
	"container_id" text NOT NULL,
	"source" text NOT NULL,
	"at_ms" bigint NOT NULL,
	"period_ms" bigint,
	"stream" text NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "pod_log_lines_sandbox_id_pod_uid_container_id_source_pk" PRIMARY KEY("sandbox_id","pod_uid","container_id","source")
);
--> statement-breakpoint
CREATE INDEX "pod_log_lines_time_idx" ON "pod_log_lines" USING btree ("sandbox_id","container_id","at_ms");
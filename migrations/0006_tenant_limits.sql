CREATE TABLE "attempt_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sandboxes" ADD COLUMN "object_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sandboxes" ADD COLUMN "object_bytes" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "attempt_limits_until_idx" ON "attempt_limits" USING btree ("until");--> statement-breakpoint
-- Sandboxes made before: their count, and their bytes as jsonb prints them (close to the JSON
-- the writer counts; each later write keeps it exact from there).
UPDATE "sandboxes" s SET "object_count" = c.n, "object_bytes" = c.bytes
FROM (SELECT "sandbox_id", count(*) AS n, sum(octet_length("body"::text)) AS bytes FROM "objects" GROUP BY "sandbox_id") c
WHERE c."sandbox_id" = s."id";

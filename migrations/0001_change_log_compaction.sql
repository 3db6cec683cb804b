ALTER TABLE "sandboxes" ADD COLUMN "compacted_revision" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "changes_created_at_idx" ON "changes" USING btree ("created_at");
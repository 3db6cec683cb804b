-- The GIN indexes write straight into their trees: a pending list made every scan read all recent writes.
ALTER INDEX "objects_labels_idx" SET (fastupdate = false);--> statement-breakpoint
ALTER INDEX "objects_owner_refs_idx" SET (fastupdate = false);--> statement-breakpoint
SELECT gin_clean_pending_list('objects_labels_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('objects_owner_refs_idx'::regclass);

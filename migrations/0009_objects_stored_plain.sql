-- Objects and the change log keep their JSON uncompressed in the row up to a page (8160 bytes):
-- a pod's 2-3 KB was compressed on every write and decompressed on every read (a list of a
-- hundred pods, each commit's change read by the watches), for disk the rows can spare.
-- New and rewritten rows only; a row past a page still goes out of line as before.
ALTER TABLE "objects" ALTER COLUMN "body" SET STORAGE MAIN;--> statement-breakpoint
ALTER TABLE "objects" SET (toast_tuple_target = 8160);--> statement-breakpoint
ALTER TABLE "changes" ALTER COLUMN "object" SET STORAGE MAIN;--> statement-breakpoint
ALTER TABLE "changes" SET (toast_tuple_target = 8160);

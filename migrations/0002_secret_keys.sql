CREATE TABLE "key_encryption_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"check" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_keys" (
	"sandbox_id" uuid NOT NULL,
	"kid" text NOT NULL,
	"kek_kid" text NOT NULL,
	"wrapped" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sandbox_keys_sandbox_id_kid_pk" PRIMARY KEY("sandbox_id","kid")
);
--> statement-breakpoint
ALTER TABLE "sandbox_keys" ADD CONSTRAINT "sandbox_keys_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sandbox_keys_kek_idx" ON "sandbox_keys" USING btree ("kek_kid");
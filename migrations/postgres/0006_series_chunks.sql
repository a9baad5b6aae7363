CREATE TABLE "series_chunks" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"category" text NOT NULL,
	"type" text NOT NULL,
	"day" bigint NOT NULL,
	"first_at" bigint NOT NULL,
	"last_at" bigint NOT NULL,
	"count" integer NOT NULL,
	"source_kind" text NOT NULL,
	"source_account_id" text NOT NULL,
	"source_organisation_id" text,
	"created_at" bigint NOT NULL,
	"revision" integer NOT NULL,
	"payload" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "series_chunks" ADD CONSTRAINT "series_chunks_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "series_chunks_subject_day" ON "series_chunks" USING btree ("subject_id","day","id");--> statement-breakpoint
CREATE UNIQUE INDEX "series_chunks_writer_day" ON "series_chunks" USING btree ("subject_id","source_account_id","type","category","day");
CREATE TABLE "bulk_export_parts" (
	"export_id" text NOT NULL,
	"resource_type" text NOT NULL,
	"seq" integer NOT NULL,
	"subject_id" text NOT NULL,
	"count" integer NOT NULL,
	"grant_ids" text NOT NULL,
	"payload" "bytea" NOT NULL,
	CONSTRAINT "bulk_export_parts_export_id_resource_type_seq_pk" PRIMARY KEY("export_id","resource_type","seq")
);
--> statement-breakpoint
CREATE TABLE "bulk_exports" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"account_id" text NOT NULL,
	"status" text NOT NULL,
	"request" text NOT NULL,
	"types" text NOT NULL,
	"since" bigint,
	"transaction_time" bigint NOT NULL,
	"total_people" integer NOT NULL,
	"done_people" integer NOT NULL,
	"error" text,
	"finished_at" bigint,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_digests" (
	"subject_id" text NOT NULL,
	"digest" text NOT NULL,
	"record_id" text NOT NULL,
	CONSTRAINT "import_digests_subject_id_digest_pk" PRIMARY KEY("subject_id","digest")
);
--> statement-breakpoint
CREATE TABLE "import_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"account_id" text NOT NULL,
	"format" text NOT NULL,
	"status" text NOT NULL,
	"total" integer NOT NULL,
	"processed" integer NOT NULL,
	"added" integer NOT NULL,
	"skipped" integer NOT NULL,
	"sealed_errors" "bytea",
	"created_at" bigint NOT NULL,
	"finished_at" bigint
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "scope" text;--> statement-breakpoint
ALTER TABLE "bulk_export_parts" ADD CONSTRAINT "bulk_export_parts_export_id_bulk_exports_id_fk" FOREIGN KEY ("export_id") REFERENCES "public"."bulk_exports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_export_parts" ADD CONSTRAINT "bulk_export_parts_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_exports" ADD CONSTRAINT "bulk_exports_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_exports" ADD CONSTRAINT "bulk_exports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_digests" ADD CONSTRAINT "import_digests_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_digests" ADD CONSTRAINT "import_digests_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bulk_export_parts_subject" ON "bulk_export_parts" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "bulk_exports_account" ON "bulk_exports" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "bulk_exports_expiry" ON "bulk_exports" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "import_digests_record" ON "import_digests" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "import_jobs_subject" ON "import_jobs" USING btree ("subject_id","created_at");
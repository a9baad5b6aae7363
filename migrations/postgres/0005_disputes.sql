CREATE TABLE "disputes" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"record_id" text NOT NULL,
	"writer_account_id" text NOT NULL,
	"writer_organisation_id" text,
	"status" text NOT NULL,
	"sealed_statement" "bytea" NOT NULL,
	"created_at" bigint NOT NULL,
	"resolved_at" bigint,
	"resolved_by_account_id" text,
	"sealed_note" "bytea",
	"replacement_record_id" text
);
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disputes_record" ON "disputes" USING btree ("subject_id","record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_open_record" ON "disputes" USING btree ("record_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "disputes_writer_org" ON "disputes" USING btree ("writer_organisation_id","created_at");--> statement-breakpoint
CREATE INDEX "disputes_writer_account" ON "disputes" USING btree ("writer_account_id","created_at");--> statement-breakpoint
CREATE INDEX "disputes_hidden" ON "disputes" USING btree ("subject_id","status");
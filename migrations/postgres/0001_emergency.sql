CREATE TABLE "emergency_accesses" (
	"grant_id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"practitioner_account_id" text NOT NULL,
	"opened_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"flagged_at" bigint,
	"sealed_flag_statement" "bytea"
);
--> statement-breakpoint
CREATE TABLE "emergency_policies" (
	"subject_id" text PRIMARY KEY NOT NULL,
	"sealed_policy" "bytea" NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "emergency_accesses" ADD CONSTRAINT "emergency_accesses_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_accesses" ADD CONSTRAINT "emergency_accesses_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_policies" ADD CONSTRAINT "emergency_policies_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "emergency_accesses_subject" ON "emergency_accesses" USING btree ("subject_id","opened_at");--> statement-breakpoint
CREATE INDEX "emergency_accesses_organisation" ON "emergency_accesses" USING btree ("organisation_id","opened_at");
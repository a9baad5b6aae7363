CREATE TABLE "type_definitions" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"organisation_id" text,
	"subject_id" text,
	"status" text NOT NULL,
	"definition" text,
	"sealed_definition" "bytea",
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"published_at" bigint
);
--> statement-breakpoint
ALTER TABLE "type_definitions" ADD CONSTRAINT "type_definitions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "type_definitions" ADD CONSTRAINT "type_definitions_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "type_definitions_scope_code_version" ON "type_definitions" USING btree ("scope","code","version");--> statement-breakpoint
CREATE INDEX "type_definitions_status" ON "type_definitions" USING btree ("status","scope");
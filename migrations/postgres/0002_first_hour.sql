CREATE TABLE "invites" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"subject_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint,
	"used_by_account_id" text
);
--> statement-breakpoint
ALTER TABLE "access_requests" DROP CONSTRAINT "access_requests_subject_id_subjects_id_fk";
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "escalate_at" bigint;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "escalated_at" bigint;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "escalated_from" text;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "share_name" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invites_subject" ON "invites" USING btree ("subject_id","created_at");--> statement-breakpoint
CREATE INDEX "access_requests_requester" ON "access_requests" USING btree ("requester_account_id","created_at");--> statement-breakpoint
CREATE INDEX "alerts_escalation_due" ON "alerts" USING btree ("escalate_at");
CREATE TABLE "access_log" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"seq" integer NOT NULL,
	"at" bigint NOT NULL,
	"actor_account_id" text,
	"actor_organisation_id" text,
	"actor_kind" text NOT NULL,
	"on_behalf_of" text,
	"action" text NOT NULL,
	"grant_ids" text NOT NULL,
	"record_ids" text NOT NULL,
	"query" text NOT NULL,
	"prev_hash" text,
	"hash" text NOT NULL,
	"written" bigint GENERATED ALWAYS AS IDENTITY (sequence name "access_log_written_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1)
);
--> statement-breakpoint
CREATE TABLE "access_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"requester_account_id" text NOT NULL,
	"requester_organisation_id" text,
	"access" text NOT NULL,
	"categories" text NOT NULL,
	"types" text,
	"from_at" bigint,
	"to_at" bigint,
	"purpose" text NOT NULL,
	"sealed_purpose_text" "bytea",
	"grant_expires_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"status" text NOT NULL,
	"decided_at" bigint,
	"grant_id" text
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"handle" text,
	"password_hash" text,
	"display_name" text,
	"sealed_display_name" "bytea",
	"subject_id" text,
	"organisation_id" text,
	"role" text,
	"jwks" text,
	"disabled_at" bigint,
	"created_at" bigint NOT NULL,
	"integrity" text
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"watch_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"watcher_account_id" text NOT NULL,
	"record_id" text,
	"type" text NOT NULL,
	"at" bigint NOT NULL,
	"sealed_matched" "bytea",
	"acked_at" bigint
);
--> statement-breakpoint
CREATE TABLE "assertion_jtis" (
	"client_id" text NOT NULL,
	"jti" text NOT NULL,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "assertion_jtis_client_id_jti_pk" PRIMARY KEY("client_id","jti")
);
--> statement-breakpoint
CREATE TABLE "delegations" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"person_account_id" text NOT NULL,
	"delegate_account_id" text NOT NULL,
	"powers" text NOT NULL,
	"basis" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint,
	"receipt" text NOT NULL,
	"revocation_receipt" text,
	"integrity" text
);
--> statement-breakpoint
CREATE TABLE "grants" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"grantee_account_id" text,
	"grantee_organisation_id" text,
	"members" text,
	"access" text NOT NULL,
	"categories" text NOT NULL,
	"types" text,
	"from_at" bigint,
	"to_at" bigint,
	"purpose" text NOT NULL,
	"sealed_purpose_text" "bytea",
	"expires_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint,
	"revoked_reason" text,
	"request_id" text,
	"receipt" text NOT NULL,
	"revocation_receipt" text,
	"integrity" text
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"account_id" text NOT NULL,
	"key" text NOT NULL,
	"subject_id" text NOT NULL,
	"request_hash" text NOT NULL,
	"result" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "idempotency_keys_account_id_key_pk" PRIMARY KEY("account_id","key")
);
--> statement-breakpoint
CREATE TABLE "integrity_backfill" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "integrity_backfill_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_checkpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"seq" integer NOT NULL,
	"hash" text NOT NULL,
	"at" bigint NOT NULL,
	"jws" text NOT NULL,
	"through" bigint
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"recipient_account_id" text NOT NULL,
	"kind" text NOT NULL,
	"subject_id" text,
	"at" bigint NOT NULL,
	"data" text NOT NULL,
	"read_at" bigint,
	"dedupe_key" text
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"reset_at" bigint NOT NULL,
	"last_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "records" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"category" text NOT NULL,
	"type" text NOT NULL,
	"effective_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"source_kind" text NOT NULL,
	"source_account_id" text NOT NULL,
	"source_organisation_id" text,
	"schema_version" integer NOT NULL,
	"payload" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"referrer_account_id" text NOT NULL,
	"referrer_organisation_id" text,
	"refer_to_account_id" text,
	"refer_to_organisation_id" text,
	"categories" text NOT NULL,
	"types" text,
	"from_at" bigint,
	"to_at" bigint,
	"purpose" text NOT NULL,
	"sealed_note" "bytea",
	"grant_expires_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"status" text NOT NULL,
	"decided_at" bigint,
	"grant_id" text
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"revoked_at" bigint,
	"revoked_reason" text,
	"integrity" text
);
--> statement-breakpoint
CREATE TABLE "subject_keys" (
	"subject_id" text PRIMARY KEY NOT NULL,
	"kek_id" text NOT NULL,
	"wrapped_key" "bytea" NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subjects" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "watches" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"watcher_account_id" text NOT NULL,
	"watcher_organisation_id" text,
	"type" text NOT NULL,
	"rule" text NOT NULL,
	"created_at" bigint NOT NULL,
	"deleted_at" bigint,
	"deleted_by" text
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"alert_id" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"delivered_at" bigint
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"organisation_id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"kek_id" text NOT NULL,
	"sealed_secret" "bytea" NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_requester_account_id_accounts_id_fk" FOREIGN KEY ("requester_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delegations" ADD CONSTRAINT "delegations_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delegations" ADD CONSTRAINT "delegations_delegate_account_id_accounts_id_fk" FOREIGN KEY ("delegate_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_grantee_account_id_accounts_id_fk" FOREIGN KEY ("grantee_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_grantee_organisation_id_organisations_id_fk" FOREIGN KEY ("grantee_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_account_id_accounts_id_fk" FOREIGN KEY ("recipient_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referrer_account_id_accounts_id_fk" FOREIGN KEY ("referrer_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_refer_to_account_id_accounts_id_fk" FOREIGN KEY ("refer_to_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_refer_to_organisation_id_organisations_id_fk" FOREIGN KEY ("refer_to_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_keys" ADD CONSTRAINT "subject_keys_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watches" ADD CONSTRAINT "watches_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watches" ADD CONSTRAINT "watches_watcher_account_id_accounts_id_fk" FOREIGN KEY ("watcher_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "access_log_subject_seq" ON "access_log" USING btree ("subject_id","seq");--> statement-breakpoint
CREATE INDEX "access_log_written" ON "access_log" USING btree ("written");--> statement-breakpoint
CREATE INDEX "access_requests_subject" ON "access_requests" USING btree ("subject_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_handle_unique" ON "accounts" USING btree ("handle");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_subject_unique" ON "accounts" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "accounts_organisation" ON "accounts" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "alerts_watcher" ON "alerts" USING btree ("watcher_account_id","at");--> statement-breakpoint
CREATE INDEX "assertion_jtis_expiry" ON "assertion_jtis" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "delegations_subject" ON "delegations" USING btree ("subject_id","created_at");--> statement-breakpoint
CREATE INDEX "delegations_delegate" ON "delegations" USING btree ("delegate_account_id");--> statement-breakpoint
CREATE INDEX "grants_subject" ON "grants" USING btree ("subject_id","created_at");--> statement-breakpoint
CREATE INDEX "grants_grantee_account" ON "grants" USING btree ("grantee_account_id","subject_id");--> statement-breakpoint
CREATE INDEX "grants_grantee_organisation" ON "grants" USING btree ("grantee_organisation_id","subject_id");--> statement-breakpoint
CREATE INDEX "idempotency_keys_expiry" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "log_checkpoints_subject_seq" ON "log_checkpoints" USING btree ("subject_id","seq");--> statement-breakpoint
CREATE INDEX "log_checkpoints_through" ON "log_checkpoints" USING btree ("through");--> statement-breakpoint
CREATE INDEX "notifications_recipient" ON "notifications" USING btree ("recipient_account_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe" ON "notifications" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "rate_counters_reset" ON "rate_counters" USING btree ("reset_at");--> statement-breakpoint
CREATE INDEX "records_subject_category_time" ON "records" USING btree ("subject_id","category","effective_at","id");--> statement-breakpoint
CREATE INDEX "records_subject_time" ON "records" USING btree ("subject_id","effective_at","id");--> statement-breakpoint
CREATE INDEX "referrals_subject" ON "referrals" USING btree ("subject_id","created_at");--> statement-breakpoint
CREATE INDEX "referrals_referrer" ON "referrals" USING btree ("referrer_account_id","created_at");--> statement-breakpoint
CREATE INDEX "refresh_tokens_session" ON "refresh_tokens" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "sessions_account" ON "sessions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "watches_subject_type" ON "watches" USING btree ("subject_id","type");--> statement-breakpoint
CREATE INDEX "watches_watcher" ON "watches" USING btree ("watcher_account_id","subject_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due" ON "webhook_deliveries" USING btree ("status","next_attempt_at");
CREATE TABLE `access_log` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_account_id` text,
	`actor_organisation_id` text,
	`actor_kind` text NOT NULL,
	`action` text NOT NULL,
	`grant_ids` text NOT NULL,
	`record_ids` text NOT NULL,
	`query` text NOT NULL,
	`prev_hash` text,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `access_log_subject_seq` ON `access_log` (`subject_id`,`seq`);--> statement-breakpoint
CREATE TABLE `access_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`requester_account_id` text NOT NULL,
	`requester_organisation_id` text,
	`access` text NOT NULL,
	`categories` text NOT NULL,
	`types` text,
	`from_at` integer,
	`to_at` integer,
	`purpose` text NOT NULL,
	`sealed_purpose_text` blob,
	`grant_expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`status` text NOT NULL,
	`decided_at` integer,
	`grant_id` text,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requester_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `access_requests_subject` ON `access_requests` (`subject_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `assertion_jtis` (
	`client_id` text NOT NULL,
	`jti` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`client_id`, `jti`)
);
--> statement-breakpoint
CREATE INDEX `assertion_jtis_expiry` ON `assertion_jtis` (`expires_at`);--> statement-breakpoint
CREATE TABLE `grants` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`grantee_account_id` text,
	`grantee_organisation_id` text,
	`access` text NOT NULL,
	`categories` text NOT NULL,
	`types` text,
	`from_at` integer,
	`to_at` integer,
	`purpose` text NOT NULL,
	`sealed_purpose_text` blob,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_reason` text,
	`request_id` text,
	`receipt` text NOT NULL,
	`revocation_receipt` text,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`grantee_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`grantee_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `grants_subject` ON `grants` (`subject_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `grants_grantee_account` ON `grants` (`grantee_account_id`,`subject_id`);--> statement-breakpoint
CREATE INDEX `grants_grantee_organisation` ON `grants` (`grantee_organisation_id`,`subject_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`account_id` text NOT NULL,
	`key` text NOT NULL,
	`subject_id` text NOT NULL,
	`request_hash` text NOT NULL,
	`result` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_expiry` ON `idempotency_keys` (`expires_at`);
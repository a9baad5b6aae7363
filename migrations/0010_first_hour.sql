CREATE TABLE `invites` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`subject_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`used_by_account_id` text,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `invites_subject` ON `invites` (`subject_id`,`created_at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_access_requests` (
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
	FOREIGN KEY (`requester_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_access_requests`("id", "subject_id", "requester_account_id", "requester_organisation_id", "access", "categories", "types", "from_at", "to_at", "purpose", "sealed_purpose_text", "grant_expires_at", "created_at", "expires_at", "status", "decided_at", "grant_id") SELECT "id", "subject_id", "requester_account_id", "requester_organisation_id", "access", "categories", "types", "from_at", "to_at", "purpose", "sealed_purpose_text", "grant_expires_at", "created_at", "expires_at", "status", "decided_at", "grant_id" FROM `access_requests`;--> statement-breakpoint
DROP TABLE `access_requests`;--> statement-breakpoint
ALTER TABLE `__new_access_requests` RENAME TO `access_requests`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `access_requests_subject` ON `access_requests` (`subject_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `access_requests_requester` ON `access_requests` (`requester_account_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `escalate_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `escalated_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `escalated_from` text;--> statement-breakpoint
CREATE INDEX `alerts_escalation_due` ON `alerts` (`escalate_at`);--> statement-breakpoint
ALTER TABLE `grants` ADD `share_name` integer DEFAULT false NOT NULL;
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`watch_id` text NOT NULL,
	`subject_id` text NOT NULL,
	`watcher_account_id` text NOT NULL,
	`record_id` text,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`sealed_matched` blob,
	`acked_at` integer,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alerts_watcher` ON `alerts` (`watcher_account_id`,`at`);--> statement-breakpoint
CREATE TABLE `watches` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`watcher_account_id` text NOT NULL,
	`watcher_organisation_id` text,
	`type` text NOT NULL,
	`rule` text NOT NULL,
	`created_at` integer NOT NULL,
	`deleted_at` integer,
	`deleted_by` text,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`watcher_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `watches_subject_type` ON `watches` (`subject_id`,`type`);--> statement-breakpoint
CREATE INDEX `watches_watcher` ON `watches` (`watcher_account_id`,`subject_id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`alert_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`organisation_id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`kek_id` text NOT NULL,
	`sealed_secret` blob NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);

CREATE TABLE `bulk_export_parts` (
	`export_id` text NOT NULL,
	`resource_type` text NOT NULL,
	`seq` integer NOT NULL,
	`subject_id` text NOT NULL,
	`count` integer NOT NULL,
	`grant_ids` text NOT NULL,
	`payload` blob NOT NULL,
	PRIMARY KEY(`export_id`, `resource_type`, `seq`),
	FOREIGN KEY (`export_id`) REFERENCES `bulk_exports`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `bulk_export_parts_subject` ON `bulk_export_parts` (`subject_id`);--> statement-breakpoint
CREATE TABLE `bulk_exports` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`account_id` text NOT NULL,
	`status` text NOT NULL,
	`request` text NOT NULL,
	`types` text NOT NULL,
	`since` integer,
	`transaction_time` integer NOT NULL,
	`total_people` integer NOT NULL,
	`done_people` integer NOT NULL,
	`error` text,
	`finished_at` integer,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `bulk_exports_account` ON `bulk_exports` (`account_id`);--> statement-breakpoint
CREATE INDEX `bulk_exports_expiry` ON `bulk_exports` (`expires_at`);--> statement-breakpoint
CREATE TABLE `import_digests` (
	`subject_id` text NOT NULL,
	`digest` text NOT NULL,
	`record_id` text NOT NULL,
	PRIMARY KEY(`subject_id`, `digest`),
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `import_digests_record` ON `import_digests` (`record_id`);--> statement-breakpoint
CREATE TABLE `import_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`account_id` text NOT NULL,
	`format` text NOT NULL,
	`status` text NOT NULL,
	`total` integer NOT NULL,
	`processed` integer NOT NULL,
	`added` integer NOT NULL,
	`skipped` integer NOT NULL,
	`sealed_errors` blob,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `import_jobs_subject` ON `import_jobs` (`subject_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `scope` text;
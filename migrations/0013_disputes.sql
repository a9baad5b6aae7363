CREATE TABLE `disputes` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`record_id` text NOT NULL,
	`writer_account_id` text NOT NULL,
	`writer_organisation_id` text,
	`status` text NOT NULL,
	`sealed_statement` blob NOT NULL,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by_account_id` text,
	`sealed_note` blob,
	`replacement_record_id` text,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `disputes_record` ON `disputes` (`subject_id`,`record_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `disputes_open_record` ON `disputes` (`record_id`) WHERE status = 'open';--> statement-breakpoint
CREATE INDEX `disputes_writer_org` ON `disputes` (`writer_organisation_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `disputes_writer_account` ON `disputes` (`writer_account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `disputes_hidden` ON `disputes` (`subject_id`,`status`);
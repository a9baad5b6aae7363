CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`recipient_account_id` text NOT NULL,
	`kind` text NOT NULL,
	`subject_id` text,
	`at` integer NOT NULL,
	`data` text NOT NULL,
	`read_at` integer,
	`dedupe_key` text,
	FOREIGN KEY (`recipient_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_recipient` ON `notifications` (`recipient_account_id`,`at`);--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_dedupe` ON `notifications` (`dedupe_key`);
CREATE TABLE `series_chunks` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`category` text NOT NULL,
	`type` text NOT NULL,
	`day` integer NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`count` integer NOT NULL,
	`source_kind` text NOT NULL,
	`source_account_id` text NOT NULL,
	`source_organisation_id` text,
	`created_at` integer NOT NULL,
	`revision` integer NOT NULL,
	`payload` blob NOT NULL,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `series_chunks_subject_day` ON `series_chunks` (`subject_id`,`day`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `series_chunks_writer_day` ON `series_chunks` (`subject_id`,`source_account_id`,`type`,`category`,`day`);
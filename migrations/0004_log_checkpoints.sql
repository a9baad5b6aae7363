CREATE TABLE `log_checkpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`seq` integer NOT NULL,
	`hash` text NOT NULL,
	`at` integer NOT NULL,
	`jws` text NOT NULL,
	`through` integer
);
--> statement-breakpoint
CREATE INDEX `log_checkpoints_subject_seq` ON `log_checkpoints` (`subject_id`,`seq`);--> statement-breakpoint
CREATE INDEX `log_checkpoints_through` ON `log_checkpoints` (`through`);
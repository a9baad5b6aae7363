CREATE TABLE `emergency_accesses` (
	`grant_id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`organisation_id` text NOT NULL,
	`practitioner_account_id` text NOT NULL,
	`opened_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`flagged_at` integer,
	`sealed_flag_statement` blob,
	FOREIGN KEY (`grant_id`) REFERENCES `grants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `emergency_accesses_subject` ON `emergency_accesses` (`subject_id`,`opened_at`);--> statement-breakpoint
CREATE INDEX `emergency_accesses_organisation` ON `emergency_accesses` (`organisation_id`,`opened_at`);--> statement-breakpoint
CREATE TABLE `emergency_policies` (
	`subject_id` text PRIMARY KEY NOT NULL,
	`sealed_policy` blob NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade
);

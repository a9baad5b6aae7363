CREATE TABLE `referrals` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`referrer_account_id` text NOT NULL,
	`referrer_organisation_id` text,
	`refer_to_account_id` text,
	`refer_to_organisation_id` text,
	`categories` text NOT NULL,
	`types` text,
	`from_at` integer,
	`to_at` integer,
	`purpose` text NOT NULL,
	`sealed_note` blob,
	`grant_expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`status` text NOT NULL,
	`decided_at` integer,
	`grant_id` text,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`referrer_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`refer_to_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`refer_to_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `referrals_subject` ON `referrals` (`subject_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `referrals_referrer` ON `referrals` (`referrer_account_id`,`created_at`);
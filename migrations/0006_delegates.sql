CREATE TABLE `delegations` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`person_account_id` text NOT NULL,
	`delegate_account_id` text NOT NULL,
	`powers` text NOT NULL,
	`basis` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`receipt` text NOT NULL,
	`revocation_receipt` text,
	`integrity` text,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`delegate_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `delegations_subject` ON `delegations` (`subject_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `delegations_delegate` ON `delegations` (`delegate_account_id`);--> statement-breakpoint
ALTER TABLE `access_log` ADD `on_behalf_of` text;
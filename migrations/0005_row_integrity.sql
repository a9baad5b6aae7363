CREATE TABLE `integrity_backfill` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `accounts` ADD `integrity` text;--> statement-breakpoint
ALTER TABLE `grants` ADD `integrity` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `integrity` text;
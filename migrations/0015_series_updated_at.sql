ALTER TABLE `series_chunks` ADD `updated_at` integer NOT NULL DEFAULT 0;--> statement-breakpoint
UPDATE `series_chunks` SET `updated_at` = `created_at`;

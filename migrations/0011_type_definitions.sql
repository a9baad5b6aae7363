CREATE TABLE `type_definitions` (
	`id` text PRIMARY KEY NOT NULL,
	`scope` text NOT NULL,
	`code` text NOT NULL,
	`version` integer NOT NULL,
	`organisation_id` text,
	`subject_id` text,
	`status` text NOT NULL,
	`definition` text,
	`sealed_definition` blob,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`published_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `type_definitions_scope_code_version` ON `type_definitions` (`scope`,`code`,`version`);--> statement-breakpoint
CREATE INDEX `type_definitions_status` ON `type_definitions` (`status`,`scope`);
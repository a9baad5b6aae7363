ALTER TABLE `grants` ADD `members` text;--> statement-breakpoint
-- Existing organisation grants get the defaults they would have today: a read grant reaches the
-- organisation's practitioners, an append grant all its accounts (providers' systems push).
UPDATE `grants` SET `members` = CASE `access` WHEN 'read' THEN 'practitioners' ELSE 'all' END WHERE `grantee_organisation_id` IS NOT NULL;

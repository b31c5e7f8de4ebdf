CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`competition_id` integer NOT NULL,
	`official_id` integer,
	`action` text NOT NULL,
	`detail_json` text DEFAULT '{}' NOT NULL,
	`reason` text,
	`revision` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`competition_id`) REFERENCES `competitions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`official_id`) REFERENCES `officials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_log_competition` ON `audit_log` (`competition_id`);--> statement-breakpoint
ALTER TABLE `competitions` ADD `name_display` text DEFAULT 'full' NOT NULL;--> statement-breakpoint
ALTER TABLE `competitions` ADD `frozen_revision` integer;--> statement-breakpoint
ALTER TABLE `competitions` ADD `frozen_at` text;--> statement-breakpoint
ALTER TABLE `competitions` ADD `revealed` integer;
CREATE TABLE `festivals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title_zh` text NOT NULL,
	`title_en` text NOT NULL,
	`venue` text DEFAULT '' NOT NULL,
	`date` text NOT NULL,
	`board_json` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `festivals_slug_unique` ON `festivals` (`slug`);--> statement-breakpoint
ALTER TABLE `competitions` ADD `festival_id` integer REFERENCES festivals(id);--> statement-breakpoint
ALTER TABLE `competitions` ADD `event_id` text DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE `competitions` ADD `event_zh` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `competitions` ADD `event_en` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `competitions` ADD `group_id` text DEFAULT 'all' NOT NULL;--> statement-breakpoint
ALTER TABLE `competitions` ADD `group_zh` text DEFAULT '不分组' NOT NULL;--> statement-breakpoint
ALTER TABLE `competitions` ADD `group_en` text DEFAULT 'Open' NOT NULL;--> statement-breakpoint
ALTER TABLE `competitions` ADD `round_id` text DEFAULT 'final' NOT NULL;--> statement-breakpoint
ALTER TABLE `competitions` ADD `round_zh` text DEFAULT '决赛' NOT NULL;--> statement-breakpoint
ALTER TABLE `competitions` ADD `round_en` text DEFAULT 'Final' NOT NULL;--> statement-breakpoint
ALTER TABLE `competitions` ADD `round_order` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `contestants` ADD `carried_milli` integer;--> statement-breakpoint
ALTER TABLE `contestants` ADD `advanced_from_id` integer;
ALTER TABLE `marks` ADD `rules` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `marks` ADD `owner_id` integer;--> statement-breakpoint
ALTER TABLE `marks` ADD `measures` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `officials` ADD `records_json` text DEFAULT '[]' NOT NULL;
CREATE TABLE `competitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title_zh` text NOT NULL,
	`title_en` text NOT NULL,
	`venue` text DEFAULT '' NOT NULL,
	`date` text NOT NULL,
	`time_zone` text DEFAULT 'Asia/Shanghai' NOT NULL,
	`locale` text DEFAULT 'zh-CN' NOT NULL,
	`state` text DEFAULT 'live' NOT NULL,
	`scheme_json` text NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `competitions_slug_unique` ON `competitions` (`slug`);--> statement-breakpoint
CREATE TABLE `contestants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`competition_id` integer NOT NULL,
	`bib` text NOT NULL,
	`draw_order` integer NOT NULL,
	`name` text NOT NULL,
	`organisation` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	FOREIGN KEY (`competition_id`) REFERENCES `competitions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contestants_bib` ON `contestants` (`competition_id`,`bib`);--> statement-breakpoint
CREATE TABLE `marks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_id` text NOT NULL,
	`kind` text DEFAULT 'mark' NOT NULL,
	`competition_id` integer NOT NULL,
	`contestant_id` integer NOT NULL,
	`sheet_id` text,
	`station_id` text,
	`attempt` integer DEFAULT 1 NOT NULL,
	`official_id` integer NOT NULL,
	`values_json` text DEFAULT '{}' NOT NULL,
	`supersedes_id` integer,
	`target_mark_id` integer,
	`reason` text,
	`revision` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`competition_id`) REFERENCES `competitions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contestant_id`) REFERENCES `contestants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`official_id`) REFERENCES `officials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `marks_client_id_unique` ON `marks` (`client_id`);--> statement-breakpoint
CREATE INDEX `marks_line` ON `marks` (`competition_id`,`contestant_id`,`sheet_id`);--> statement-breakpoint
CREATE TABLE `officials` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`competition_id` integer NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`sheets_json` text DEFAULT '[]' NOT NULL,
	`revoked` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`competition_id`) REFERENCES `competitions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `officials_token_hash_unique` ON `officials` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `officials_code` ON `officials` (`competition_id`,`code`);--> statement-breakpoint
CREATE TABLE `station_locks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`competition_id` integer NOT NULL,
	`station_id` text NOT NULL,
	`action` text NOT NULL,
	`official_id` integer NOT NULL,
	`reason` text,
	`revision` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`competition_id`) REFERENCES `competitions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`official_id`) REFERENCES `officials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `station_locks_station` ON `station_locks` (`competition_id`,`station_id`);
ALTER TABLE `officials` ADD `short_code_hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `officials_short_code_hash_unique` ON `officials` (`short_code_hash`);
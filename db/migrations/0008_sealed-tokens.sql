ALTER TABLE `officials` ADD `token_sealed` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `credential_hash` text;
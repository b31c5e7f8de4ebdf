-- Every competition belongs to a festival: a database made before festivals existed gets one
-- festival per competition, with the competition's slug, title, venue and date, and the
-- event named after its title.
INSERT INTO `festivals` (`slug`, `title_zh`, `title_en`, `venue`, `date`)
  SELECT `slug`, `title_zh`, `title_en`, `venue`, `date` FROM `competitions` WHERE `festival_id` IS NULL;--> statement-breakpoint
UPDATE `competitions` SET
  `festival_id` = (SELECT `id` FROM `festivals` WHERE `festivals`.`slug` = `competitions`.`slug`),
  `event_zh` = `title_zh`,
  `event_en` = `title_en`
  WHERE `festival_id` IS NULL;

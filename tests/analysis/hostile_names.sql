-- about: backticked names with spaces, backticks, commas and reserved words
-- query
SELECT `group`, SUM(`sum`) AS `total sum`, COUNT(*) AS `a,b`
FROM `we!rd db`.`order``s table` AS `t``1`
GROUP BY `t``1`.`group`

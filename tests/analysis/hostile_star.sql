-- about: SELECT * over a hostile table keeps its primary key
-- query
SELECT * FROM `we!rd db`.`order``s table`

-- about: a query that reads no table
-- query
SELECT 1 AS one, 'x' AS x

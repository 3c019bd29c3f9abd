-- about: a column no source has
-- query
SELECT id, o.discount FROM orders o

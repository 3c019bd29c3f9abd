-- about: unique_key naming no output column
-- options: unique_key = 'id, nope'
-- query
SELECT id, amount FROM orders

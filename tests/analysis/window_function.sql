-- about: the example of the issue
-- query
SELECT ROW_NUMBER() OVER (ORDER BY amount) AS r, id FROM orders

-- about: GROUP BY an alias of a plain column: the column is grouped, a dimension joined on it too
-- query
SELECT customer_id AS c, c2.name, COUNT(*) FROM orders o JOIN customers c2 ON c2.id = o.customer_id GROUP BY c

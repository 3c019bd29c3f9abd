-- about: NATURAL JOIN
-- query
SELECT id FROM orders NATURAL JOIN customers

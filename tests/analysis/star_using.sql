-- about: SELECT * over JOIN ... USING shows the USING column once, first
-- query
SELECT * FROM orders o JOIN customer_notes n USING (customer_id)

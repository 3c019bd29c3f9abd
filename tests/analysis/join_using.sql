-- about: JOIN ... USING
-- query
SELECT o.id, o.customer_id, n.note FROM orders o JOIN customer_notes n USING (customer_id)

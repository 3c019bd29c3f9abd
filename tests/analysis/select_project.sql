-- about: one table, no aggregate: the primary key is carried through
-- query
SELECT id, customer_id, amount FROM orders WHERE status = 'paid'

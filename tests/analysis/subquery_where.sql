-- about: IN (subquery) and EXISTS in WHERE
-- query
SELECT id, amount FROM orders o
WHERE o.customer_id IN (SELECT id FROM customers WHERE region = 'EU')
  AND NOT EXISTS (SELECT 1 FROM customer_notes n WHERE n.customer_id = o.customer_id)

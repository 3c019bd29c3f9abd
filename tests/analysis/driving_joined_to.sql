-- about: the driving table is the one others join to, even when it is not first
-- query
SELECT i.order_id, i.line, o.customer_id, i.quantity
FROM orders o JOIN order_items i ON i.order_id = o.id

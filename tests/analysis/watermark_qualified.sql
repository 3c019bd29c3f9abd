-- about: a qualified watermark picks the driving table
-- options: watermark = 'o.updated_at'
-- query
SELECT o.id, o.amount, c.name FROM orders o JOIN customers c ON c.id = o.customer_id

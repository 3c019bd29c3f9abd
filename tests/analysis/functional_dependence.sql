-- about: columns fixed by a grouped key are one value per group (MySQL's functional dependence)
-- query
SELECT o.customer_id, c.name, c.region, UPPER(c.email) AS email, SUM(o.amount) AS total
FROM orders o JOIN customers c ON c.id = o.customer_id
GROUP BY o.customer_id

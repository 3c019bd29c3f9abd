-- about: no current database, every table qualified
-- schema: none
-- query
SELECT o.id, a.owner, o.amount FROM crm.accounts a JOIN shop.orders o ON o.customer_id = a.id

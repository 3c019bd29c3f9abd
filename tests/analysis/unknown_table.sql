-- about: a table the catalog does not know
-- query
SELECT id, total FROM invoices

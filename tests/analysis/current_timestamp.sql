-- about: CURRENT_TIMESTAMP without parentheses, in WHERE
-- query
SELECT id, amount FROM orders WHERE created_at > CURRENT_TIMESTAMP - INTERVAL 1 DAY

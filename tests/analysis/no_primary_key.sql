-- about: a source without a primary key
-- query
SELECT logged_at, message FROM audit_log

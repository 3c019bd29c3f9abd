-- about: a schema-qualified table besides the default schema
-- query
SELECT tier, COUNT(*) AS accounts FROM crm.accounts GROUP BY tier

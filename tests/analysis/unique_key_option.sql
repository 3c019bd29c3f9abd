-- about: unique_key names the output key where no primary key is carried
-- options: unique_key = 'email'
-- query
SELECT email, name FROM customers

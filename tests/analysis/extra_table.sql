-- about: a table added by the case itself
CREATE TABLE shop.ledger (entry_id BIGINT NOT NULL AUTO_INCREMENT, account VARCHAR(20) NOT NULL, amount DECIMAL(12, 2), PRIMARY KEY (entry_id));
-- query
SELECT account, SUM(amount) AS balance, COUNT(*) AS entries FROM ledger GROUP BY account

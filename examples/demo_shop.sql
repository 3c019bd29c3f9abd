-- A small shop: customers, products and orders. Runs through the proxy as plain MySQL:
--   mariadb -h 127.0.0.1 -P 3307 -u root < examples/demo_shop.sql
CREATE DATABASE IF NOT EXISTS jasmine_demo;
USE jasmine_demo;

DROP TABLE IF EXISTS orders, products, customers;

CREATE TABLE customers (
    id INT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    country CHAR(2) NOT NULL
) ENGINE = InnoDB;

CREATE TABLE products (
    id INT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    price DECIMAL(10, 2) NOT NULL
) ENGINE = InnoDB;

CREATE TABLE orders (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    customer_id INT NOT NULL REFERENCES customers (id),
    product_id INT NOT NULL REFERENCES products (id),
    quantity INT NOT NULL,
    ordered_at DATETIME NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    KEY (ordered_at)
) ENGINE = InnoDB;

INSERT INTO customers (name, country) VALUES
    ('Ada', 'GB'), ('Grace', 'US'), ('Linus', 'FI'), ('Margaret', 'US'), ('Edsger', 'NL');

INSERT INTO products (name, price) VALUES
    ('notebook', 4.50), ('pen', 1.20), ('lamp', 24.99), ('chair', 89.00), ('mug', 7.35);

-- 2,000 orders over 30 days, deterministic.
INSERT INTO orders (customer_id, product_id, quantity, ordered_at)
SELECT 1 + seq % 5, 1 + (seq * 7) % 5, 1 + seq % 4,
       '2026-11-01 00:00:00' + INTERVAL (seq * 1297) % (30 * 86400) SECOND
FROM seq_1_to_2000;

SELECT DATE(o.ordered_at) AS day, SUM(o.quantity * p.price) AS revenue
FROM orders o JOIN products p ON p.id = o.product_id
GROUP BY day ORDER BY day LIMIT 5;

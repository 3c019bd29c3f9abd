-- The tables every analysis case sees (a case may add its own before its query).
CREATE TABLE shop.orders (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id INT NOT NULL,
    product_id INT,
    amount DECIMAL(10, 2),
    status VARCHAR(20),
    created_at DATETIME,
    updated_at TIMESTAMP
);
CREATE TABLE shop.customers (
    id INT NOT NULL PRIMARY KEY,
    name VARCHAR(100),
    email VARCHAR(200) NOT NULL UNIQUE,
    phone VARCHAR(20) UNIQUE,
    region VARCHAR(20),
    created_at DATETIME
);
CREATE TABLE shop.products (
    id INT NOT NULL PRIMARY KEY,
    name VARCHAR(100),
    category VARCHAR(50),
    price DECIMAL(10, 2)
);
CREATE TABLE shop.order_items (
    order_id BIGINT NOT NULL,
    line INT NOT NULL,
    product_id INT,
    quantity INT,
    PRIMARY KEY (order_id, line)
);
CREATE TABLE shop.customer_notes (customer_id INT NOT NULL PRIMARY KEY, note TEXT);
CREATE TABLE shop.audit_log (logged_at DATETIME, message TEXT);
CREATE TABLE shop.page_views (
    id BIGINT NOT NULL PRIMARY KEY,
    session_id VARCHAR(40),
    url TEXT,
    viewed_at DATETIME
);
CREATE TABLE shop.clicks (
    id BIGINT NOT NULL PRIMARY KEY,
    session_id VARCHAR(40),
    target TEXT,
    clicked_at DATETIME
);
CREATE TABLE crm.accounts (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    owner VARCHAR(50),
    tier VARCHAR(10)
);
CREATE TABLE `we!rd db`.`order``s table` (
    `the id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `sum` INT,
    `group` VARCHAR(10),
    `a,b` INT
);

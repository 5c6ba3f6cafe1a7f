-- A corpus of SQLite statements written for codegen's tests and benchmarks/antlr_sql.py.
-- Every statement here must be accepted by SQLite's parser and by grammars/SQL.g4.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    age INTEGER CHECK (age >= 0 AND age < 150),
    created_at TEXT DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE ON UPDATE NO ACTION,
    total REAL NOT NULL DEFAULT 0.0,
    status TEXT CHECK (status IN ('new', 'paid', 'shipped')),
    note BLOB,
    CONSTRAINT positive_total CHECK (total >= 0)
);
CREATE TABLE order_items (
    order_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL DEFAULT 1,
    price NUMERIC(10, 2),
    PRIMARY KEY (order_id, product_id),
    FOREIGN KEY (order_id) REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;
CREATE TEMP TABLE scratch AS SELECT id, email FROM users WHERE age > 30;
CREATE TABLE metrics (
    key TEXT PRIMARY KEY ON CONFLICT REPLACE,
    value REAL,
    doubled REAL GENERATED ALWAYS AS (value * 2) STORED,
    label TEXT AS (upper(key)) VIRTUAL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS idx_users_email ON users (email);
CREATE INDEX idx_orders_user ON orders (user_id, created DESC) WHERE status <> 'new';
CREATE VIEW recent_orders (id, email, total) AS
    SELECT o.id, u.email, o.total
    FROM orders AS o
    JOIN users u ON u.id = o.user_id
    WHERE o.status = 'paid';
CREATE TRIGGER IF NOT EXISTS orders_audit AFTER UPDATE OF status ON orders
FOR EACH ROW WHEN new.status <> old.status
BEGIN
    INSERT INTO audit (order_id, old_status, new_status) VALUES (new.id, old.status, new.status);
    UPDATE orders SET note = NULL WHERE id = new.id;
END;
CREATE TRIGGER no_delete BEFORE DELETE ON users
BEGIN
    SELECT RAISE(ABORT, 'users cannot be deleted');
END;
CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter unicode61');
SELECT * FROM users;
SELECT id, name AS full_name, age + 1 AS next_age FROM users WHERE age BETWEEN 18 AND 65 ORDER BY name;
SELECT DISTINCT status FROM orders ORDER BY status DESC NULLS LAST LIMIT 10 OFFSET 20;
SELECT u.name, count(*) AS n, sum(o.total) AS spent
FROM users u
LEFT JOIN orders o ON o.user_id = u.id
GROUP BY u.id
HAVING count(*) > 2
ORDER BY spent DESC
LIMIT 5;
SELECT a.id, b.id FROM orders a INNER JOIN orders b USING (user_id) WHERE a.id < b.id;
SELECT * FROM users NATURAL JOIN orders;
SELECT * FROM users CROSS JOIN orders, order_items;
SELECT u.email FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id);
SELECT email FROM users WHERE id NOT IN (SELECT user_id FROM orders WHERE status = 'paid');
SELECT email, (SELECT max(total) FROM orders WHERE user_id = users.id) AS biggest FROM users;
SELECT * FROM (SELECT id, total FROM orders WHERE total > 100) AS big ORDER BY total;
WITH paid AS (SELECT * FROM orders WHERE status = 'paid'),
     totals (user_id, spent) AS (SELECT user_id, sum(total) FROM paid GROUP BY user_id)
SELECT u.name, t.spent FROM users u JOIN totals t ON t.user_id = u.id;
WITH RECURSIVE counter(n) AS (
    SELECT 1
    UNION ALL
    SELECT n + 1 FROM counter WHERE n < 100
)
SELECT n FROM counter;
WITH RECURSIVE tree(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, c.parent_id, t.depth + 1 FROM categories c JOIN tree t ON c.parent_id = t.id
)
SELECT * FROM tree ORDER BY depth, id;
SELECT id, total,
       row_number() OVER (PARTITION BY user_id ORDER BY total DESC) AS rn,
       sum(total) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving,
       lag(total, 1, 0) OVER w AS previous
FROM orders
WINDOW w AS (PARTITION BY user_id ORDER BY id);
SELECT avg(total) FILTER (WHERE status = 'paid') OVER (RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES) FROM orders;
SELECT name FROM users UNION SELECT email FROM users;
SELECT id FROM orders INTERSECT SELECT order_id FROM order_items EXCEPT SELECT 42 ORDER BY 1;
SELECT id FROM users UNION ALL VALUES (1), (2), (3);
VALUES (1, 'a'), (2, 'b');
SELECT CASE WHEN age < 18 THEN 'minor' WHEN age < 65 THEN 'adult' ELSE 'senior' END AS band FROM users;
SELECT CASE status WHEN 'new' THEN 0 WHEN 'paid' THEN 1 END FROM orders;
SELECT CAST(total AS INTEGER), CAST('12' AS REAL), typeof(CAST(x'00ff' AS BLOB)) FROM orders;
SELECT 'it''s', "quoted id", [bracketed], `backticked`, X'DEADBEEF', 1e10, .5, 0x1F, -3, +4, ~5;
SELECT name LIKE 'a%' ESCAPE '\', name GLOB 'A*', name NOT LIKE '%z', email IS NOT NULL FROM users;
SELECT coalesce(name, 'anonymous'), ifnull(age, 0), nullif(age, 0), length(name) || '!' FROM users;
SELECT * FROM users WHERE age ISNULL OR name NOTNULL OR email NOT NULL;
SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b FROM pairs;
SELECT data ->> '$.name', data -> '$.tags' FROM events WHERE json_valid(data);
SELECT key, value FROM json_each('[1, 2, 3]');
SELECT * FROM users WHERE (age, name) = (30, 'Ann');
SELECT * FROM users WHERE id = ? OR id = ?2 OR name = :name OR email = @email OR age = $age;
SELECT count(DISTINCT user_id), group_concat(name, ', '), total(price), max(a, b) FROM t;
SELECT date('now'), strftime('%Y', created_at), CURRENT_DATE, CURRENT_TIME FROM users;
SELECT 1 + 2 * 3 - 4 / 5 % 6, 1 << 2 >> 1 & 7 | 8, NOT 1 = 2 AND 3 <> 4 OR 5 != 6 AND 7 == 7;
SELECT * FROM users u INDEXED BY idx_users_email WHERE u.email = 'a@b.c';
SELECT * FROM orders NOT INDEXED;
SELECT replace(name, 'a', 'b'), like('a%', name), glob('*', name) FROM users;
SELECT name COLLATE NOCASE AS n FROM users ORDER BY n COLLATE BINARY ASC;
SELECT * FROM users LIMIT 10, 20;
SELECT main.users.id FROM main.users;
INSERT INTO users (email, name, age) VALUES ('ann@example.com', 'Ann', 31);
INSERT INTO users (email, name) VALUES ('bob@example.com', 'Bob'), ('cy@example.com', 'Cy');
INSERT OR IGNORE INTO users (email) VALUES ('dup@example.com');
INSERT OR REPLACE INTO metrics (key, value) VALUES ('hits', 1);
REPLACE INTO metrics (key, value) VALUES ('misses', 0);
INSERT INTO scratch SELECT id, email FROM users WHERE age IS NULL;
INSERT INTO orders DEFAULT VALUES;
INSERT INTO metrics (key, value) VALUES ('hits', 1)
    ON CONFLICT (key) DO UPDATE SET value = value + excluded.value WHERE excluded.value > 0;
INSERT INTO metrics (key, value) VALUES ('x', 2) ON CONFLICT DO NOTHING;
INSERT INTO users (email, name) VALUES ('eve@example.com', 'Eve') RETURNING id, created_at;
WITH src AS (SELECT 'z@example.com' AS email) INSERT INTO users (email) SELECT email FROM src;
UPDATE users SET name = 'Anne', age = age + 1 WHERE id = 1;
UPDATE OR ROLLBACK orders SET status = 'shipped' WHERE status = 'paid' RETURNING *;
UPDATE orders SET (total, status) = (0, 'new') WHERE id IN (1, 2, 3);
UPDATE orders SET total = s.total FROM (SELECT order_id, sum(price * quantity) AS total FROM order_items GROUP BY order_id) AS s WHERE orders.id = s.order_id;
DELETE FROM orders WHERE status = 'new' AND created_at < date('now', '-30 days');
DELETE FROM scratch RETURNING email;
DELETE FROM users;
DROP TABLE IF EXISTS scratch;
DROP INDEX idx_orders_user;
DROP VIEW IF EXISTS recent_orders;
DROP TRIGGER orders_audit;
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD nickname TEXT DEFAULT NULL;
ALTER TABLE users RENAME COLUMN phone TO mobile;
ALTER TABLE users RENAME TO customers;
ALTER TABLE customers DROP COLUMN nickname;
BEGIN;
BEGIN IMMEDIATE TRANSACTION;
COMMIT;
END TRANSACTION;
ROLLBACK;
SAVEPOINT before_import;
RELEASE SAVEPOINT before_import;
ROLLBACK TO SAVEPOINT before_import;
PRAGMA foreign_keys = ON;
PRAGMA journal_mode = WAL;
PRAGMA table_info(users);
VACUUM;
ANALYZE users;
REINDEX;
EXPLAIN QUERY PLAN SELECT * FROM users WHERE email = 'x';
SELECT 1;;

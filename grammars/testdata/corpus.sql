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
-- Statements a model tends to write (SQLite accepts each one).
CREATE TABLE IF NOT EXISTS "users" (id INTEGER PRIMARY KEY AUTOINCREMENT, email VARCHAR(255) NOT NULL UNIQUE, active BOOLEAN DEFAULT FALSE, score DECIMAL(10, 2) DEFAULT -1, created TIMESTAMP DEFAULT CURRENT_TIMESTAMP, n INT UNSIGNED, d TEXT DEFAULT (datetime('now')));
INSERT INTO t (a) SELECT b FROM u WHERE true ON CONFLICT (a) DO UPDATE SET a = excluded.a WHERE a > 0;
SELECT * FROM t WHERE a LIKE '%x%' COLLATE NOCASE GROUP BY 1 LIMIT ? OFFSET ?;
CREATE TEMPORARY VIEW v AS SELECT 1;
CREATE INDEX i ON users (lower(email));
SELECT COUNT(*) FILTER (WHERE a > 1) FROM t;
ATTACH DATABASE 'x.db' AS y;
SELECT EXISTS (SELECT 1);
SELECT a FROM t WHERE b IS TRUE;
WITH x AS MATERIALIZED (SELECT 1) SELECT * FROM x;
WITH x AS NOT MATERIALIZED (SELECT 1) SELECT * FROM x;
INSERT INTO t DEFAULT VALUES RETURNING id;
SELECT row_number() OVER () FROM t;
SELECT sum(x) OVER (ORDER BY x GROUPS 1 PRECEDING) FROM t;
SELECT -(-1), 1 WHERE 1 NOT BETWEEN 0 AND 2;
SELECT CAST(x AS VARCHAR(10)) FROM t LIMIT -1 OFFSET 5;
DELETE FROM t WHERE rowid IN (SELECT rowid FROM t LIMIT 10);
SELECT * FROM (VALUES (1), (2));
SELECT t.*, "t"."a" FROM "t";
INSERT OR ABORT INTO t VALUES (1);
CREATE TABLE t2 (a INTEGER, b TEXT, PRIMARY KEY (a), UNIQUE (b) ON CONFLICT IGNORE) STRICT, WITHOUT ROWID;
SELECT * FROM a NATURAL LEFT JOIN b;
SELECT * FROM a LEFT OUTER JOIN b ON a.id = b.id;
SELECT DATE('now', '-1 day'), ?1, :a, @b, $c, x'ab', 1e-3, 0xFF;
SELECT 1;
-- trailing comment
SELECT a, b FROM t ORDER BY a COLLATE NOCASE DESC, b ASC NULLS FIRST;
CREATE TABLE t3 (id INTEGER, parent INTEGER REFERENCES t3 ON DELETE SET NULL);
SELECT CASE WHEN a THEN 1 END AS x FROM t WHERE a = 1 AND (b = 2 OR c = 3);
UPDATE t SET a = a + 1, b = NULL WHERE id = ? RETURNING a AS new_a;
SELECT total FROM t INDEXED BY i;
SELECT * FROM t WHERE a IN ();
SELECT * FROM t WHERE a IN t2;
SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM u);
SELECT group_concat(DISTINCT a) FROM t;
SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 DESC LIMIT 3;
SELECT printf('%d', 1) AS "x y";
SELECT 'a' AS [x y];
SELECT a AS 'b' FROM t;
CREATE TRIGGER tr INSTEAD OF INSERT ON v BEGIN INSERT INTO t VALUES (new.a); END;
DROP TABLE main.t;
SELECT * FROM generate_series(1, 10);
SELECT * FROM json_each('[1]') AS j;
SELECT a FROM t WHERE a GLOB '*' AND a REGEXP 'x' AND a MATCH 'y';
SELECT a ISNULL, a NOTNULL, a NOT NULL, a IS NOT NULL FROM t;
SELECT ~a, a & b, a | b, a << 1, a >> 1, a % 2 FROM t;
VACUUM INTO 'backup.db';
PRAGMA main.cache_size = -2000;
PRAGMA integrity_check;
REINDEX main.t;
SELECT * FROM t WHERE x = 'it''s';
SELECT (SELECT 1) + (SELECT 2);
SELECT 1 FROM t WHERE (a, b) IN (SELECT a, b FROM u);
SELECT a FROM t ORDER BY a LIMIT 5 OFFSET 10;
BEGIN EXCLUSIVE;
BEGIN DEFERRED TRANSACTION;
CREATE TABLE a (id SERIAL PRIMARY KEY, x INT AUTO_INCREMENT);
SELECT * FROM a FULL OUTER JOIN b ON 1;
SELECT now() - INTERVAL '1 day';
CREATE TABLE c (a TEXT[]);
UPDATE t SET a = 1 ORDER BY a LIMIT 1;
DELETE FROM t LIMIT 1;
SELECT a FROM t WHERE a = $1;
SELECT a FROM (SELECT 1);
WITH RECURSIVE x AS (SELECT 1) SELECT * FROM x;
SELECT * FROM t JOIN u;
SELECT IF(a, 1, 2) FROM t;
SELECT a FROM t WHERE b = 'x' COLLATE "NOCASE";
SELECT a -> 'x' ->> 'y' FROM t;
CREATE TABLE e (a INT CONSTRAINT pk PRIMARY KEY DESC ON CONFLICT FAIL);
CREATE TABLE f (a INT NOT NULL CONSTRAINT c CHECK (a > 0) DEFAULT 0 COLLATE BINARY);

/*
 * SQLite's dialect of SQL, written for codegen (strict: what SQLite's own parser accepts,
 * as far as syntax goes; names are not resolved).
 *
 * Entry rule: script. Regenerate the Python parser with `make grammars`.
 */
grammar SQL;

options { caseInsensitive = true; }

script
    : SEMI* (statement (SEMI+ statement)* SEMI*)? EOF
    ;

statement
    : (EXPLAIN (QUERY PLAN)?)? statement_body
    ;

statement_body
    : select_stmt
    | insert_stmt
    | update_stmt
    | delete_stmt
    | create_table_stmt
    | create_virtual_table_stmt
    | create_index_stmt
    | create_view_stmt
    | create_trigger_stmt
    | drop_stmt
    | alter_table_stmt
    | transaction_stmt
    | pragma_stmt
    | maintenance_stmt
    ;

// ---------------------------------------------------------------- queries

with_clause
    : WITH RECURSIVE? common_table (COMMA common_table)*
    ;

common_table
    : plain_nm (OPEN_PAR name_list CLOSE_PAR)? AS (NOT? MATERIALIZED)? OPEN_PAR select_stmt CLOSE_PAR
    ;

select_stmt
    : with_clause? select_core (compound_operator select_core)* order_by_clause? limit_clause?
    ;

compound_operator
    : UNION ALL?
    | INTERSECT
    | EXCEPT
    ;

select_core
    : SELECT (DISTINCT | ALL)? result_column (COMMA result_column)*
      (FROM from_clause)?
      (WHERE expr)?
      (GROUP BY expr_list)?
      (HAVING expr)?
      (WINDOW named_window (COMMA named_window)*)?
    | values_clause
    ;

values_clause
    : VALUES OPEN_PAR expr_list CLOSE_PAR (COMMA OPEN_PAR expr_list CLOSE_PAR)*
    ;

result_column
    : STAR
    | nm DOT STAR
    | expr (AS nm | alias)?
    ;

alias
    : name
    | STRING_LITERAL
    ;

from_clause
    : table_or_subquery (join_operator table_or_subquery join_constraint?)*
    ;

// As SQLite: up to three words before JOIN; which combinations mean something is checked
// later by SQLite ("unknown join type"), not by its parser.
join_operator
    : COMMA
    | JOIN
    | join_keyword (nm nm?)? JOIN
    ;

join_constraint
    : ON expr
    | USING OPEN_PAR name_list CLOSE_PAR
    ;

table_or_subquery
    : qualified_name (AS nm | alias)? (INDEXED BY nm | NOT INDEXED)?
    | qualified_name OPEN_PAR expr_list? CLOSE_PAR (AS nm | alias)?
    | OPEN_PAR select_stmt CLOSE_PAR (AS nm | alias)?
    | OPEN_PAR from_clause CLOSE_PAR (AS nm | alias)?
    ;

order_by_clause
    : ORDER BY ordering_term (COMMA ordering_term)*
    ;

ordering_term
    : expr (ASC | DESC)? (NULLS (FIRST | LAST))?
    ;

limit_clause
    : LIMIT expr ((OFFSET | COMMA) expr)?
    ;

named_window
    : nm AS OPEN_PAR window_definition CLOSE_PAR
    ;

window_definition
    : nm? (PARTITION BY expr_list)? order_by_clause? frame_spec?
    ;

frame_spec
    : (RANGE | ROWS | GROUPS) (BETWEEN frame_bound AND frame_bound | frame_bound)
      (EXCLUDE (NO OTHERS | CURRENT ROW | GROUP | TIES))?
    ;

frame_bound
    : UNBOUNDED (PRECEDING | FOLLOWING)
    | CURRENT ROW
    | expr (PRECEDING | FOLLOWING)
    ;

// ---------------------------------------------------------------- changes

insert_stmt
    : with_clause? (INSERT (OR conflict_action)? | REPLACE) INTO qualified_name (AS nm)?
      (OPEN_PAR name_list CLOSE_PAR)?
      (select_stmt upsert_clause* | DEFAULT VALUES)
      returning_clause?
    ;

upsert_clause
    : ON CONFLICT (OPEN_PAR indexed_column (COMMA indexed_column)* CLOSE_PAR (WHERE expr)?)?
      DO (NOTHING | UPDATE SET assignment (COMMA assignment)* (WHERE expr)?)
    ;

returning_clause
    : RETURNING result_column (COMMA result_column)*
    ;

update_stmt
    : with_clause? UPDATE (OR conflict_action)? qualified_table
      SET assignment (COMMA assignment)*
      (FROM from_clause)?
      (WHERE expr)?
      returning_clause?
      order_by_clause? limit_clause?  // SQLite built with SQLITE_ENABLE_UPDATE_DELETE_LIMIT
    ;

assignment
    : (nm | OPEN_PAR name_list CLOSE_PAR) ASSIGN expr
    ;

delete_stmt
    : with_clause? DELETE FROM qualified_table (WHERE expr)? returning_clause?
      order_by_clause? limit_clause?  // as UPDATE
    ;

qualified_table
    : qualified_name (AS nm)? (INDEXED BY nm | NOT INDEXED)?
    ;

conflict_action
    : ROLLBACK
    | ABORT
    | REPLACE
    | FAIL
    | IGNORE
    ;

// ---------------------------------------------------------------- schema

create_table_stmt
    : CREATE (TEMP | TEMPORARY)? TABLE (IF NOT EXISTS)? qualified_name
      ( OPEN_PAR column_def (COMMA column_def)* (COMMA? table_constraint)* CLOSE_PAR
        (table_option (COMMA table_option)*)?
      | AS select_stmt
      )
    ;

table_option
    : WITHOUT nm
    | IDENTIFIER
    ;

column_def
    : nm type_name? column_constraint*
    ;

plain_column_def
    : plain_nm type_name? column_constraint*
    ;

type_name
    : (name | STRING_LITERAL)+ (OPEN_PAR signed_number (COMMA signed_number)? CLOSE_PAR)?
    ;

column_constraint
    : (CONSTRAINT nm)?
      ( PRIMARY KEY (ASC | DESC)? conflict_clause? AUTOINCREMENT?
      | NOT? NULL conflict_clause?
      | UNIQUE conflict_clause?
      | CHECK OPEN_PAR expr CLOSE_PAR
      | DEFAULT (signed_number | literal | OPEN_PAR expr CLOSE_PAR | nm)
      | COLLATE (name | STRING_LITERAL)
      | foreign_key_clause
      | (GENERATED ALWAYS)? AS OPEN_PAR expr CLOSE_PAR name?
      )
    ;

conflict_clause
    : ON CONFLICT conflict_action
    ;

table_constraint
    : (CONSTRAINT nm)?
      ( (PRIMARY KEY | UNIQUE) OPEN_PAR indexed_column (COMMA indexed_column)* CLOSE_PAR
        conflict_clause?
      | CHECK OPEN_PAR expr CLOSE_PAR
      | FOREIGN KEY OPEN_PAR name_list CLOSE_PAR foreign_key_clause
      )
    ;

foreign_key_clause
    : REFERENCES nm (OPEN_PAR name_list CLOSE_PAR)?
      (ON (DELETE | UPDATE) foreign_key_action | MATCH nm)*
      (NOT? DEFERRABLE (INITIALLY (DEFERRED | IMMEDIATE))?)?
    ;

foreign_key_action
    : SET NULL
    | SET DEFAULT
    | CASCADE
    | RESTRICT
    | NO ACTION
    ;

indexed_column
    : expr (ASC | DESC)?
    ;

create_virtual_table_stmt
    : CREATE VIRTUAL TABLE (IF NOT EXISTS)? qualified_name USING nm
      (OPEN_PAR module_argument (COMMA module_argument)* CLOSE_PAR)?
    ;

module_argument
    : module_token*
    ;

module_token
    : ~(OPEN_PAR | CLOSE_PAR | COMMA)
    | OPEN_PAR (module_token | COMMA)* CLOSE_PAR
    ;

create_index_stmt
    : CREATE UNIQUE? INDEX (IF NOT EXISTS)? qualified_name ON nm
      OPEN_PAR indexed_column (COMMA indexed_column)* CLOSE_PAR (WHERE expr)?
    ;

create_view_stmt
    : CREATE (TEMP | TEMPORARY)? VIEW (IF NOT EXISTS)? qualified_name
      (OPEN_PAR name_list CLOSE_PAR)? AS select_stmt
    ;

create_trigger_stmt
    : CREATE (TEMP | TEMPORARY)? TRIGGER (IF NOT EXISTS)? qualified_name
      (BEFORE | AFTER | INSTEAD OF)?
      (DELETE | INSERT | UPDATE (OF name_list)?) ON qualified_name
      (FOR EACH ROW)? (WHEN expr)?
      BEGIN ((update_stmt | insert_stmt | delete_stmt | select_stmt) SEMI)+ END
    ;

drop_stmt
    : DROP (TABLE | INDEX | VIEW | TRIGGER) (IF EXISTS)? qualified_name
    ;

alter_table_stmt
    : ALTER TABLE qualified_name
      ( RENAME TO nm
      | RENAME (COLUMN nm | plain_nm) TO nm
      | ADD (COLUMN column_def | plain_column_def)
      | DROP (COLUMN nm | plain_nm)
      )
    ;

// ---------------------------------------------------------------- other statements

transaction_stmt
    : BEGIN (DEFERRED | IMMEDIATE | EXCLUSIVE)? (TRANSACTION nm?)?
    | (COMMIT | END) (TRANSACTION nm?)?
    | ROLLBACK (TRANSACTION nm?)? (TO (SAVEPOINT nm | plain_nm))?
    | SAVEPOINT nm
    | RELEASE (SAVEPOINT nm | plain_nm)
    ;

pragma_stmt
    : PRAGMA qualified_name (ASSIGN pragma_value | OPEN_PAR pragma_value CLOSE_PAR)?
    ;

pragma_value
    : signed_number
    | nm
    | STRING_LITERAL
    | ON
    | DELETE
    | DEFAULT
    ;

maintenance_stmt
    : VACUUM nm? (INTO expr)?
    | ANALYZE qualified_name?
    | REINDEX qualified_name?
    | ATTACH DATABASE? expr AS expr
    | DETACH DATABASE? expr
    ;

// ---------------------------------------------------------------- expressions

// AND and OR sit in their own rule above `operand`, so that the AND of `x BETWEEN a AND b`
// can never be read as a logical AND: the fast SLL pass then decides every expression.
expr
    : operand                                                         # operandExpr
    | expr AND expr                                                   # andExpr
    | expr OR expr                                                    # orExpr
    ;

operand
    : literal                                                         # literalExpr
    | BIND_PARAMETER                                                  # bindExpr
    | nm DOT nm (DOT nm)?                                             # columnExpr
    | bare_name                                                       # bareColumnExpr
    | (MINUS | PLUS | TILDE) operand                                  # unaryExpr
    | operand COLLATE (name | STRING_LITERAL)                         # collateExpr
    | operand (PIPE2 | JPTR | JPTR2) operand                          # concatExpr
    | operand (STAR | DIV | MOD) operand                              # mulExpr
    | operand (PLUS | MINUS) operand                                  # addExpr
    | operand (LT2 | GT2 | AMP | PIPE) operand                        # bitExpr
    | operand (LT | LT_EQ | GT | GT_EQ) operand                       # compareExpr
    | operand (ASSIGN | EQ | NOT_EQ1 | NOT_EQ2) operand               # equalExpr
    | operand IS NOT? (DISTINCT FROM)? operand                        # isExpr
    | operand NOT? BETWEEN operand AND operand                        # betweenExpr
    | operand NOT? IN in_target                                       # inExpr
    | operand NOT? (LIKE | GLOB | REGEXP | MATCH) operand (ESCAPE operand)?  # likeExpr
    | operand (ISNULL | NOTNULL | NOT NULL)                           # nullExpr
    | NOT operand                                                     # notExpr
    | function_call                                                   # callExpr
    | OPEN_PAR expr_list CLOSE_PAR                                    # parenExpr
    | CAST OPEN_PAR expr AS type_name CLOSE_PAR                       # castExpr
    | (NOT? EXISTS)? OPEN_PAR select_stmt CLOSE_PAR                   # subqueryExpr
    | CASE expr? (WHEN expr THEN expr)+ (ELSE expr)? END              # caseExpr
    | RAISE OPEN_PAR (IGNORE | (ROLLBACK | ABORT | FAIL) COMMA STRING_LITERAL) CLOSE_PAR  # raiseExpr
    ;

in_target
    : OPEN_PAR (select_stmt | expr_list)? CLOSE_PAR
    | qualified_name (OPEN_PAR expr_list? CLOSE_PAR)?
    ;

function_call
    : function_name OPEN_PAR (DISTINCT? expr_list | STAR)? CLOSE_PAR filter_clause? over_clause?
    ;

function_name
    : bare_name
    | LIKE
    | GLOB
    | REGEXP
    | MATCH
    ;

filter_clause
    : FILTER OPEN_PAR WHERE expr CLOSE_PAR
    ;

over_clause
    : OVER (nm | OPEN_PAR window_definition CLOSE_PAR)
    ;

expr_list
    : expr (COMMA expr)*
    ;

literal
    : NUMERIC_LITERAL
    | STRING_LITERAL
    | BLOB_LITERAL
    | NULL
    | CURRENT_TIME
    | CURRENT_DATE
    | CURRENT_TIMESTAMP
    ;

signed_number
    : (PLUS | MINUS)? NUMERIC_LITERAL
    ;

qualified_name
    : nm (DOT nm)?
    ;

name_list
    : nm (COMMA nm)*
    ;

// Names as SQLite's parser takes them: identifiers, non-reserved keywords, strings and the
// join keywords; bare column references cannot be strings.
nm
    : name
    | STRING_LITERAL
    | join_keyword
    ;

// A name right where an optional keyword may stand (RELEASE SAVEPOINT? x, DROP COLUMN? x,
// WITH RECURSIVE? x): SQLite takes the keyword as the keyword there, so the name cannot be one.
plain_nm
    : plain_name
    | STRING_LITERAL
    | join_keyword
    ;

bare_name
    : name
    | INDEXED
    | join_keyword
    ;

join_keyword
    : LEFT
    | RIGHT
    | FULL
    | INNER
    | CROSS
    | NATURAL
    | OUTER
    ;

// Identifiers, and the keywords SQLite lets stand for one.
name
    : plain_name
    | COLUMN
    | RECURSIVE
    | SAVEPOINT
    ;

plain_name
    : IDENTIFIER
    | ABORT | ACTION | AFTER | ALWAYS | ANALYZE | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE
    | CONFLICT | CURRENT | DATABASE | DEFERRED | DESC | DETACH | DO | EACH | END
    | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FIRST | FOLLOWING | FOR | GENERATED | GROUPS | IF
    | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY | LAST | MATERIALIZED | NO | NOTHING
    | NULLS | OF | OFFSET | OTHERS | PARTITION | PLAN | PRAGMA | PRECEDING | QUERY | RANGE
    | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT | ROW | ROWS
    | STORED | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM | VIEW | VIRTUAL | WITHOUT
    ;

// ---------------------------------------------------------------- tokens

SEMI: ';';
DOT: '.';
OPEN_PAR: '(';
CLOSE_PAR: ')';
COMMA: ',';
ASSIGN: '=';
STAR: '*';
PLUS: '+';
MINUS: '-';
TILDE: '~';
PIPE2: '||';
JPTR: '->';
JPTR2: '->>';
DIV: '/';
MOD: '%';
LT2: '<<';
GT2: '>>';
AMP: '&';
PIPE: '|';
LT: '<';
LT_EQ: '<=';
GT: '>';
GT_EQ: '>=';
EQ: '==';
NOT_EQ1: '!=';
NOT_EQ2: '<>';

ABORT: 'ABORT';
ACTION: 'ACTION';
ADD: 'ADD';
AFTER: 'AFTER';
ALL: 'ALL';
ALTER: 'ALTER';
ALWAYS: 'ALWAYS';
ANALYZE: 'ANALYZE';
AND: 'AND';
AS: 'AS';
ASC: 'ASC';
ATTACH: 'ATTACH';
AUTOINCREMENT: 'AUTOINCREMENT';
BEFORE: 'BEFORE';
BEGIN: 'BEGIN';
BETWEEN: 'BETWEEN';
BY: 'BY';
CASCADE: 'CASCADE';
CASE: 'CASE';
CAST: 'CAST';
CHECK: 'CHECK';
COLLATE: 'COLLATE';
COLUMN: 'COLUMN';
COMMIT: 'COMMIT';
CONFLICT: 'CONFLICT';
CONSTRAINT: 'CONSTRAINT';
CREATE: 'CREATE';
CROSS: 'CROSS';
CURRENT: 'CURRENT';
CURRENT_DATE: 'CURRENT_DATE';
CURRENT_TIME: 'CURRENT_TIME';
CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP';
DATABASE: 'DATABASE';
DEFAULT: 'DEFAULT';
DEFERRABLE: 'DEFERRABLE';
DEFERRED: 'DEFERRED';
DELETE: 'DELETE';
DESC: 'DESC';
DETACH: 'DETACH';
DISTINCT: 'DISTINCT';
DO: 'DO';
DROP: 'DROP';
EACH: 'EACH';
ELSE: 'ELSE';
END: 'END';
ESCAPE: 'ESCAPE';
EXCEPT: 'EXCEPT';
EXCLUDE: 'EXCLUDE';
EXCLUSIVE: 'EXCLUSIVE';
EXISTS: 'EXISTS';
EXPLAIN: 'EXPLAIN';
FAIL: 'FAIL';
FILTER: 'FILTER';
FIRST: 'FIRST';
FOLLOWING: 'FOLLOWING';
FOR: 'FOR';
FOREIGN: 'FOREIGN';
FROM: 'FROM';
FULL: 'FULL';
GENERATED: 'GENERATED';
GLOB: 'GLOB';
GROUP: 'GROUP';
GROUPS: 'GROUPS';
HAVING: 'HAVING';
IF: 'IF';
IGNORE: 'IGNORE';
IMMEDIATE: 'IMMEDIATE';
IN: 'IN';
INDEX: 'INDEX';
INDEXED: 'INDEXED';
INITIALLY: 'INITIALLY';
INNER: 'INNER';
INSERT: 'INSERT';
INSTEAD: 'INSTEAD';
INTERSECT: 'INTERSECT';
INTO: 'INTO';
IS: 'IS';
ISNULL: 'ISNULL';
JOIN: 'JOIN';
KEY: 'KEY';
LAST: 'LAST';
LEFT: 'LEFT';
LIKE: 'LIKE';
LIMIT: 'LIMIT';
MATCH: 'MATCH';
MATERIALIZED: 'MATERIALIZED';
NATURAL: 'NATURAL';
NO: 'NO';
NOT: 'NOT';
NOTHING: 'NOTHING';
NOTNULL: 'NOTNULL';
NULL: 'NULL';
NULLS: 'NULLS';
OF: 'OF';
OFFSET: 'OFFSET';
ON: 'ON';
OR: 'OR';
ORDER: 'ORDER';
OTHERS: 'OTHERS';
OUTER: 'OUTER';
OVER: 'OVER';
PARTITION: 'PARTITION';
PLAN: 'PLAN';
PRAGMA: 'PRAGMA';
PRECEDING: 'PRECEDING';
PRIMARY: 'PRIMARY';
QUERY: 'QUERY';
RAISE: 'RAISE';
RANGE: 'RANGE';
RECURSIVE: 'RECURSIVE';
REFERENCES: 'REFERENCES';
REGEXP: 'REGEXP';
REINDEX: 'REINDEX';
RELEASE: 'RELEASE';
RENAME: 'RENAME';
REPLACE: 'REPLACE';
RESTRICT: 'RESTRICT';
RETURNING: 'RETURNING';
RIGHT: 'RIGHT';
ROLLBACK: 'ROLLBACK';
ROW: 'ROW';
ROWS: 'ROWS';
SAVEPOINT: 'SAVEPOINT';
SELECT: 'SELECT';
SET: 'SET';
STORED: 'STORED';
TABLE: 'TABLE';
TEMP: 'TEMP';
TEMPORARY: 'TEMPORARY';
THEN: 'THEN';
TIES: 'TIES';
TO: 'TO';
TRANSACTION: 'TRANSACTION';
TRIGGER: 'TRIGGER';
UNBOUNDED: 'UNBOUNDED';
UNION: 'UNION';
UNIQUE: 'UNIQUE';
UPDATE: 'UPDATE';
USING: 'USING';
VACUUM: 'VACUUM';
VALUES: 'VALUES';
VIEW: 'VIEW';
VIRTUAL: 'VIRTUAL';
WHEN: 'WHEN';
WHERE: 'WHERE';
WINDOW: 'WINDOW';
WITH: 'WITH';
WITHOUT: 'WITHOUT';

IDENTIFIER
    : '"' (~'"' | '""')* '"'
    | '`' (~'`' | '``')* '`'
    | '[' ~']'* ']'
    | [A-Z_\u0080-\uFFFF] [A-Z_0-9$\u0080-\uFFFF]*
    ;

NUMERIC_LITERAL
    : DIGIT+ ('.' DIGIT*)? EXPONENT?
    | '.' DIGIT+ EXPONENT?
    | '0X' HEX_DIGIT+
    ;

// A number running straight into letters ("1abc") is one bad token to SQLite.
BAD_NUMBER
    : NUMERIC_LITERAL [A-Z_0-9$.\u0080-\uFFFF]+
    ;

BIND_PARAMETER
    : '?' DIGIT*
    | [:@$] [A-Z_0-9\u0080-\uFFFF]+
    ;

STRING_LITERAL
    : '\'' (~'\'' | '\'\'')* '\''
    ;

BLOB_LITERAL
    : 'X' '\'' HEX_DIGIT* '\''
    ;

LINE_COMMENT
    : '--' ~[\r\n]* -> skip
    ;

BLOCK_COMMENT
    : '/*' .*? ('*/' | EOF) -> skip
    ;

SPACES
    : [ \t\r\n\f\u000B]+ -> skip
    ;

UNEXPECTED_CHAR
    : .
    ;

fragment DIGIT: [0-9];
fragment HEX_DIGIT: [0-9A-F];
fragment EXPONENT: 'E' [-+]? DIGIT+;

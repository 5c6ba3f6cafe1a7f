/*
 * JSON exactly as RFC 8259 defines it: one value, no comments, no trailing commas,
 * no NaN/Infinity, no leading zeros, no raw control characters inside strings.
 *
 * Entry rule: json. Regenerate the Python parser with `make grammars`.
 */
grammar JSON;

json
    : value EOF
    ;

value
    : object
    | array
    | STRING
    | NUMBER
    | TRUE
    | FALSE
    | NULL
    ;

object
    : OPEN_BRACE (member (COMMA member)*)? CLOSE_BRACE
    ;

member
    : STRING COLON value
    ;

array
    : OPEN_BRACKET (value (COMMA value)*)? CLOSE_BRACKET
    ;

OPEN_BRACE: '{';
CLOSE_BRACE: '}';
OPEN_BRACKET: '[';
CLOSE_BRACKET: ']';
COMMA: ',';
COLON: ':';
TRUE: 'true';
FALSE: 'false';
NULL: 'null';

STRING
    : '"' (ESCAPE | UNESCAPED)* '"'
    ;

NUMBER
    : '-'? INT FRACTION? EXPONENT?
    ;

// A number running into letters or digits it cannot take ("01", "1.", "2e") is one bad token.
BAD_NUMBER
    : NUMBER [0-9A-Za-z_.+-]+
    | '-'
    ;

WS
    : [ \t\n\r]+ -> skip
    ;

UNEXPECTED_CHAR
    : .
    ;

fragment INT: '0' | [1-9] [0-9]*;
fragment FRACTION: '.' [0-9]+;
fragment EXPONENT: [eE] [+-]? [0-9]+;
fragment ESCAPE: '\\' (["\\/bfnrt] | 'u' HEX HEX HEX HEX);
fragment HEX: [0-9a-fA-F];
fragment UNESCAPED: ~["\\\u0000-\u001F];

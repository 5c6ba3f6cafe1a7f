// The access-rule language as a split grammar: this lexer plus AccessParser.g4.
lexer grammar AccessLexer;

ROLE: 'role';
INHERITS: 'inherits';
ALLOW: 'allow';
DENY: 'deny';
TO: 'to';
ON: 'on';
WHEN: 'when';
READ: 'read';
WRITE: 'write';
SEMI: ';';
COMMA: ',';
ID: [a-zA-Z_] [a-zA-Z_0-9]*;
STRING: '"' ~["\r\n]* '"';
WS: [ \t\r\n]+ -> skip;

// A small access-rule language, written for codegen's tests of `codegen grammar add`.
grammar Access;

policy
    : statement* EOF
    ;

statement
    : roleDecl
    | ruleDecl
    ;

roleDecl
    : 'role' ID ('inherits' ID (',' ID)*)? ';'
    ;

ruleDecl
    : ('allow' | 'deny') ID 'to' action (',' action)* 'on' STRING ('when' condition)? ';'
    ;

action
    : 'read'
    | 'write'
    | 'delete'
    | 'grant'
    ;

condition
    : comparison (('and' | 'or') comparison)*
    ;

comparison
    : ID ('<' | '>' | '==' | '!=') (NUMBER | STRING)
    ;

ID: [a-zA-Z_] [a-zA-Z_0-9]*;
NUMBER: [0-9]+;
STRING: '"' ~["\r\n]* '"';
COMMENT: '#' ~[\r\n]* -> skip;
WS: [ \t\r\n]+ -> skip;

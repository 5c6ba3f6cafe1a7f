// Machine: a small language for state machines, written for codegen's constrained-decoding
// benchmark (benchmarks/constrained.py). No model has seen it: the few-shot examples and the
// grammar are all it has to go on.
grammar Machine;

machines
    : machine+ EOF
    ;

machine
    : 'machine' ID '{' initial state+ '}'
    ;

initial
    : 'initial' ID ';'
    ;

state
    : 'final'? 'state' ID ('{' transition* '}' | ';')
    ;

transition
    : 'on' ID condition? '->' ID delay? ';'
    ;

condition
    : 'if' comparison (('and' | 'or') comparison)*
    ;

comparison
    : ID ('==' | '!=' | '<' | '>' | '<=' | '>=') value
    ;

value
    : NUMBER
    | STRING
    | ID
    | 'true'
    | 'false'
    ;

delay
    : 'after' NUMBER ('ms' | 's' | 'min')
    ;

ID: [a-zA-Z_] [a-zA-Z_0-9]*;
NUMBER: [0-9]+;
STRING: '"' ~["\r\n]* '"';
COMMENT: '#' ~[\r\n]* -> skip;
WS: [ \t\r\n]+ -> skip;

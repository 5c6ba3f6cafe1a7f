// A storage-quota language with a semantic predicate, written for codegen's tests: a
// predicate cannot be carried into llguidance's grammar, so `codegen grammar add` warns and
// the language is validated and repaired instead of constrained.
grammar Quota;

quotas
    : entry* EOF
    ;

entry
    : {self._input.LT(1).text != 'root'}? ID '=' NUMBER UNIT ';'
    ;

UNIT: 'MB' | 'GB';
ID: [a-z_]+;
NUMBER: [0-9]+;
WS: [ \t\r\n]+ -> skip;

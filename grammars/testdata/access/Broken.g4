// A grammar that does not compile: rule `item` is used but never defined.
grammar Broken;

list
    : '[' item (',' item)* ']'
    ;

WS: [ \t\r\n]+ -> skip;

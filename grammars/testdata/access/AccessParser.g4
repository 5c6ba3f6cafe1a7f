// The parser half of the split access-rule grammar (tokens from AccessLexer.g4).
parser grammar AccessParser;

options { tokenVocab = AccessLexer; }

policy
    : statement* EOF
    ;

statement
    : ROLE ID (INHERITS ID (COMMA ID)*)? SEMI
    | (ALLOW | DENY) ID TO (READ | WRITE) (COMMA (READ | WRITE))* ON STRING SEMI
    ;

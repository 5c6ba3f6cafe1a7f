// A parser grammar that uses a token (DELETE) its lexer, AccessLexer.g4, does not define.
parser grammar MismatchParser;

options { tokenVocab = AccessLexer; }

policy
    : (ALLOW ID TO DELETE ON STRING SEMI)* EOF
    ;

# Generated from grammars/JSON.g4 by ANTLR 4.13.2
# encoding: utf-8
from antlr4 import *
from io import StringIO
import sys
if sys.version_info[1] > 5:
	from typing import TextIO
else:
	from typing.io import TextIO

def serializedATN():
    return [
        4,1,14,53,2,0,7,0,2,1,7,1,2,2,7,2,2,3,7,3,2,4,7,4,1,0,1,0,1,0,1,
        1,1,1,1,1,1,1,1,1,1,1,1,1,3,1,21,8,1,1,2,1,2,1,2,1,2,5,2,27,8,2,
        10,2,12,2,30,9,2,3,2,32,8,2,1,2,1,2,1,3,1,3,1,3,1,3,1,4,1,4,1,4,
        1,4,5,4,44,8,4,10,4,12,4,47,9,4,3,4,49,8,4,1,4,1,4,1,4,0,0,5,0,2,
        4,6,8,0,0,57,0,10,1,0,0,0,2,20,1,0,0,0,4,22,1,0,0,0,6,35,1,0,0,0,
        8,39,1,0,0,0,10,11,3,2,1,0,11,12,5,0,0,1,12,1,1,0,0,0,13,21,3,4,
        2,0,14,21,3,8,4,0,15,21,5,10,0,0,16,21,5,11,0,0,17,21,5,7,0,0,18,
        21,5,8,0,0,19,21,5,9,0,0,20,13,1,0,0,0,20,14,1,0,0,0,20,15,1,0,0,
        0,20,16,1,0,0,0,20,17,1,0,0,0,20,18,1,0,0,0,20,19,1,0,0,0,21,3,1,
        0,0,0,22,31,5,1,0,0,23,28,3,6,3,0,24,25,5,5,0,0,25,27,3,6,3,0,26,
        24,1,0,0,0,27,30,1,0,0,0,28,26,1,0,0,0,28,29,1,0,0,0,29,32,1,0,0,
        0,30,28,1,0,0,0,31,23,1,0,0,0,31,32,1,0,0,0,32,33,1,0,0,0,33,34,
        5,2,0,0,34,5,1,0,0,0,35,36,5,10,0,0,36,37,5,6,0,0,37,38,3,2,1,0,
        38,7,1,0,0,0,39,48,5,3,0,0,40,45,3,2,1,0,41,42,5,5,0,0,42,44,3,2,
        1,0,43,41,1,0,0,0,44,47,1,0,0,0,45,43,1,0,0,0,45,46,1,0,0,0,46,49,
        1,0,0,0,47,45,1,0,0,0,48,40,1,0,0,0,48,49,1,0,0,0,49,50,1,0,0,0,
        50,51,5,4,0,0,51,9,1,0,0,0,5,20,28,31,45,48
    ]

class JSONParser ( Parser ):

    grammarFileName = "JSON.g4"

    atn = ATNDeserializer().deserialize(serializedATN())

    decisionsToDFA = [ DFA(ds, i) for i, ds in enumerate(atn.decisionToState) ]

    sharedContextCache = PredictionContextCache()

    literalNames = [ "<INVALID>", "'{'", "'}'", "'['", "']'", "','", "':'", 
                     "'true'", "'false'", "'null'" ]

    symbolicNames = [ "<INVALID>", "OPEN_BRACE", "CLOSE_BRACE", "OPEN_BRACKET", 
                      "CLOSE_BRACKET", "COMMA", "COLON", "TRUE", "FALSE", 
                      "NULL", "STRING", "NUMBER", "BAD_NUMBER", "WS", "UNEXPECTED_CHAR" ]

    RULE_json = 0
    RULE_value = 1
    RULE_object = 2
    RULE_member = 3
    RULE_array = 4

    ruleNames =  [ "json", "value", "object", "member", "array" ]

    EOF = Token.EOF
    OPEN_BRACE=1
    CLOSE_BRACE=2
    OPEN_BRACKET=3
    CLOSE_BRACKET=4
    COMMA=5
    COLON=6
    TRUE=7
    FALSE=8
    NULL=9
    STRING=10
    NUMBER=11
    BAD_NUMBER=12
    WS=13
    UNEXPECTED_CHAR=14

    def __init__(self, input:TokenStream, output:TextIO = sys.stdout):
        super().__init__(input, output)
        self.checkVersion("4.13.2")
        self._interp = ParserATNSimulator(self, self.atn, self.decisionsToDFA, self.sharedContextCache)
        self._predicates = None




    class JsonContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def value(self):
            return self.getTypedRuleContext(JSONParser.ValueContext,0)


        def EOF(self):
            return self.getToken(JSONParser.EOF, 0)

        def getRuleIndex(self):
            return JSONParser.RULE_json




    def json(self):

        localctx = JSONParser.JsonContext(self, self._ctx, self.state)
        self.enterRule(localctx, 0, self.RULE_json)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 10
            self.value()
            self.state = 11
            self.match(JSONParser.EOF)
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class ValueContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def object_(self):
            return self.getTypedRuleContext(JSONParser.ObjectContext,0)


        def array(self):
            return self.getTypedRuleContext(JSONParser.ArrayContext,0)


        def STRING(self):
            return self.getToken(JSONParser.STRING, 0)

        def NUMBER(self):
            return self.getToken(JSONParser.NUMBER, 0)

        def TRUE(self):
            return self.getToken(JSONParser.TRUE, 0)

        def FALSE(self):
            return self.getToken(JSONParser.FALSE, 0)

        def NULL(self):
            return self.getToken(JSONParser.NULL, 0)

        def getRuleIndex(self):
            return JSONParser.RULE_value




    def value(self):

        localctx = JSONParser.ValueContext(self, self._ctx, self.state)
        self.enterRule(localctx, 2, self.RULE_value)
        try:
            self.state = 20
            self._errHandler.sync(self)
            token = self._input.LA(1)
            if token in [1]:
                self.enterOuterAlt(localctx, 1)
                self.state = 13
                self.object_()
                pass
            elif token in [3]:
                self.enterOuterAlt(localctx, 2)
                self.state = 14
                self.array()
                pass
            elif token in [10]:
                self.enterOuterAlt(localctx, 3)
                self.state = 15
                self.match(JSONParser.STRING)
                pass
            elif token in [11]:
                self.enterOuterAlt(localctx, 4)
                self.state = 16
                self.match(JSONParser.NUMBER)
                pass
            elif token in [7]:
                self.enterOuterAlt(localctx, 5)
                self.state = 17
                self.match(JSONParser.TRUE)
                pass
            elif token in [8]:
                self.enterOuterAlt(localctx, 6)
                self.state = 18
                self.match(JSONParser.FALSE)
                pass
            elif token in [9]:
                self.enterOuterAlt(localctx, 7)
                self.state = 19
                self.match(JSONParser.NULL)
                pass
            else:
                raise NoViableAltException(self)

        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class ObjectContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def OPEN_BRACE(self):
            return self.getToken(JSONParser.OPEN_BRACE, 0)

        def CLOSE_BRACE(self):
            return self.getToken(JSONParser.CLOSE_BRACE, 0)

        def member(self, i:int=None):
            if i is None:
                return self.getTypedRuleContexts(JSONParser.MemberContext)
            else:
                return self.getTypedRuleContext(JSONParser.MemberContext,i)


        def COMMA(self, i:int=None):
            if i is None:
                return self.getTokens(JSONParser.COMMA)
            else:
                return self.getToken(JSONParser.COMMA, i)

        def getRuleIndex(self):
            return JSONParser.RULE_object




    def object_(self):

        localctx = JSONParser.ObjectContext(self, self._ctx, self.state)
        self.enterRule(localctx, 4, self.RULE_object)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 22
            self.match(JSONParser.OPEN_BRACE)
            self.state = 31
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if _la==10:
                self.state = 23
                self.member()
                self.state = 28
                self._errHandler.sync(self)
                _la = self._input.LA(1)
                while _la==5:
                    self.state = 24
                    self.match(JSONParser.COMMA)
                    self.state = 25
                    self.member()
                    self.state = 30
                    self._errHandler.sync(self)
                    _la = self._input.LA(1)



            self.state = 33
            self.match(JSONParser.CLOSE_BRACE)
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class MemberContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def STRING(self):
            return self.getToken(JSONParser.STRING, 0)

        def COLON(self):
            return self.getToken(JSONParser.COLON, 0)

        def value(self):
            return self.getTypedRuleContext(JSONParser.ValueContext,0)


        def getRuleIndex(self):
            return JSONParser.RULE_member




    def member(self):

        localctx = JSONParser.MemberContext(self, self._ctx, self.state)
        self.enterRule(localctx, 6, self.RULE_member)
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 35
            self.match(JSONParser.STRING)
            self.state = 36
            self.match(JSONParser.COLON)
            self.state = 37
            self.value()
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx


    class ArrayContext(ParserRuleContext):
        __slots__ = 'parser'

        def __init__(self, parser, parent:ParserRuleContext=None, invokingState:int=-1):
            super().__init__(parent, invokingState)
            self.parser = parser

        def OPEN_BRACKET(self):
            return self.getToken(JSONParser.OPEN_BRACKET, 0)

        def CLOSE_BRACKET(self):
            return self.getToken(JSONParser.CLOSE_BRACKET, 0)

        def value(self, i:int=None):
            if i is None:
                return self.getTypedRuleContexts(JSONParser.ValueContext)
            else:
                return self.getTypedRuleContext(JSONParser.ValueContext,i)


        def COMMA(self, i:int=None):
            if i is None:
                return self.getTokens(JSONParser.COMMA)
            else:
                return self.getToken(JSONParser.COMMA, i)

        def getRuleIndex(self):
            return JSONParser.RULE_array




    def array(self):

        localctx = JSONParser.ArrayContext(self, self._ctx, self.state)
        self.enterRule(localctx, 8, self.RULE_array)
        self._la = 0 # Token type
        try:
            self.enterOuterAlt(localctx, 1)
            self.state = 39
            self.match(JSONParser.OPEN_BRACKET)
            self.state = 48
            self._errHandler.sync(self)
            _la = self._input.LA(1)
            if (((_la) & ~0x3f) == 0 and ((1 << _la) & 3978) != 0):
                self.state = 40
                self.value()
                self.state = 45
                self._errHandler.sync(self)
                _la = self._input.LA(1)
                while _la==5:
                    self.state = 41
                    self.match(JSONParser.COMMA)
                    self.state = 42
                    self.value()
                    self.state = 47
                    self._errHandler.sync(self)
                    _la = self._input.LA(1)



            self.state = 50
            self.match(JSONParser.CLOSE_BRACKET)
        except RecognitionException as re:
            localctx.exception = re
            self._errHandler.reportError(self, re)
            self._errHandler.recover(self, re)
        finally:
            self.exitRule()
        return localctx






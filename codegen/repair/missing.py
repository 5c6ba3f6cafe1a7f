"""The deterministic compile repair: add the imports, ``use``s and ``#include``s a candidate
forgot, read from the compiler's errors (one named step per language, each with a diff).

- java ``add_imports``: ``cannot find symbol; symbol: class HashMap`` ->
  ``import java.util.HashMap;``
- rust ``add_uses``: ``cannot find type `HashSet``` -> ``use std::collections::HashSet;``
- c, cpp ``add_includes``: gcc's own hint ("did you forget '#include <vector>'?") or the
  table: ``implicit declaration of function 'strlen'`` -> ``#include <string.h>``
- python ``add_imports``: the well-known names of ``validation.imports``.
- go ``fix_imports``: Go refuses unused imports (``"fmt" imported but not used``: the import
  goes) and needs its standard packages imported (``undeclared name: strings``: it comes).

Only names in the tables (or named by gcc's hint) are added; the repairer keeps the step only
when the compiler then reports fewer errors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from codegen.types import Diagnostic
from codegen.validation import imports

_JAVA = {
    "java.util": (
        "List ArrayList LinkedList Map HashMap TreeMap LinkedHashMap Set HashSet TreeSet "
        "LinkedHashSet Deque ArrayDeque Queue PriorityQueue Stack Vector Arrays Collections "
        "Iterator ListIterator Optional OptionalInt Objects Scanner Random StringJoiner BitSet "
        "Comparator NavigableMap NavigableSet SortedMap SortedSet Collection EnumMap EnumSet "
        "StringTokenizer UUID NoSuchElementException"
    ),
    "java.util.stream": "Collectors Stream IntStream LongStream DoubleStream",
    "java.util.function": (
        "Function BiFunction Predicate BiPredicate Supplier Consumer BiConsumer UnaryOperator "
        "BinaryOperator IntFunction IntPredicate IntUnaryOperator IntBinaryOperator"
    ),
    "java.util.concurrent": "ConcurrentHashMap",
    "java.util.regex": "Pattern Matcher",
    "java.math": "BigInteger BigDecimal RoundingMode",
    "java.io": "IOException BufferedReader InputStreamReader PrintWriter UncheckedIOException",
    "java.nio.charset": "StandardCharsets",
}
_RUST = {
    "std::collections": "HashMap HashSet BTreeMap BTreeSet VecDeque BinaryHeap LinkedList",
    "std::collections::hash_map": "Entry DefaultHasher",
    "std::cmp": "Ordering Reverse max min",
    "std::rc": "Rc Weak",
    "std::cell": "RefCell Cell",
    "std::sync": "Arc Mutex RwLock",
    "std::fmt": "Display",
    "std::str": "FromStr Chars",
    "std::iter": "Peekable",
    "std::mem": "swap replace",
    "std::hash": "Hash Hasher",
    "std::time": "Duration Instant",
    "std::path": "Path PathBuf",
    "std::marker": "PhantomData",
    "std::num": "Wrapping ParseIntError",
    "std": "fmt io mem cmp",
}
# Methods that need a trait in scope (E0599 "no method named `lines`").
_RUST_TRAIT_METHODS = {
    "lines": "std::io::BufRead",
    "read_line": "std::io::BufRead",
    "read_to_string": "std::io::Read",
    "write_all": "std::io::Write",
    "flush": "std::io::Write",
}
_C = {
    "string.h": (
        "strlen strcpy strncpy strcmp strncmp strcat strncat strchr strrchr strstr strdup "
        "strndup memcpy memset memmove memcmp strtok strspn strcspn strpbrk"
    ),
    "stdlib.h": (
        "malloc calloc realloc free abs labs llabs atoi atol atoll atof strtol strtoll strtoul "
        "strtoull strtod qsort bsearch exit rand srand EXIT_SUCCESS EXIT_FAILURE"
    ),
    "stdio.h": (
        "printf scanf sprintf snprintf fprintf sscanf puts putchar getchar fgets fputs fopen "
        "fclose FILE EOF stdin stdout stderr perror"
    ),
    "stdbool.h": "bool true false",
    "ctype.h": (
        "isdigit isalpha isalnum isspace isupper islower toupper tolower ispunct isxdigit isprint"
    ),
    "math.h": (
        "sqrt pow floor ceil fabs round log log2 log10 exp sin cos tan atan atan2 hypot fmod "
        "fmax fmin trunc INFINITY NAN"
    ),
    "limits.h": "INT_MAX INT_MIN LONG_MAX LONG_MIN LLONG_MAX LLONG_MIN UINT_MAX CHAR_MAX CHAR_BIT",
    "stdint.h": (
        "int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t intptr_t uintptr_t "
        "INT32_MAX INT32_MIN INT64_MAX INT64_MIN UINT32_MAX UINT64_MAX SIZE_MAX"
    ),
    "stddef.h": "size_t ptrdiff_t NULL",
    "assert.h": "assert",
    "float.h": "DBL_MAX DBL_MIN FLT_MAX DBL_EPSILON",
    "errno.h": "errno",
}
_CPP = {
    "vector": "vector",
    "string": "string to_string stoi stol stoll stod getline",
    "map": "map multimap",
    "set": "set multiset",
    "unordered_map": "unordered_map",
    "unordered_set": "unordered_set",
    "queue": "queue priority_queue",
    "stack": "stack",
    "deque": "deque",
    "list": "list",
    "array": "array",
    "bitset": "bitset",
    "utility": "pair make_pair swap move",
    "tuple": "tuple make_tuple tie get",
    "algorithm": (
        "sort stable_sort reverse max min max_element min_element find find_if count count_if "
        "unique lower_bound upper_bound binary_search fill all_of any_of none_of transform "
        "next_permutation remove remove_if"
    ),
    "numeric": "accumulate iota gcd lcm partial_sum",
    "iostream": "cout cin cerr endl",
    "sstream": "stringstream istringstream ostringstream",
    "functional": "function greater less hash",
    "limits": "numeric_limits",
    "climits": "INT_MAX INT_MIN LLONG_MAX LLONG_MIN UINT_MAX",
    "cmath": "sqrt pow floor ceil fabs round log log2 log10 exp hypot",
    "cstring": "strlen strcmp strcpy memset memcpy",
    "cctype": "isdigit isalpha isalnum isspace isupper islower toupper tolower",
    "optional": "optional nullopt",
    "iomanip": "setprecision setw fixed",
    "cstdint": "int64_t uint64_t int32_t uint32_t",
}


def _table(groups: dict[str, str], form: str) -> dict[str, str]:
    return {
        name: form.format(home=home, name=name)
        for home, names in groups.items()
        for name in names.split()
    }


JAVA_IMPORTS = _table(_JAVA, "import {home}.{name};")
RUST_USES = _table(_RUST, "use {home}::{name};")
C_INCLUDES = _table(_C, "#include <{home}>")
CPP_INCLUDES = _table(_CPP, "#include <{home}>")
STEP_NAMES = {
    "java": "add_imports",
    "python": "add_imports",
    "rust": "add_uses",
    "go": "fix_imports",
}
STEP_NAMES |= {"c": "add_includes", "cpp": "add_includes"}

_JAVA_SYMBOL = re.compile(r"symbol: (?:class|variable|interface) (\w+)")
_RUST_NAME = re.compile(
    r"(?:undeclared type|cannot find (?:type|function|value|struct, variant or union type|trait|"
    r"macro)|use of undeclared crate or module) `(\w+)`"
)
_RUST_METHOD = re.compile(r"E0599: no method named `(\w+)`")
_GCC_HINT = re.compile(r"did you forget '#include <([\w./+]+)>'")
_GCC_NAME = re.compile(
    r"^(?:implicit declaration of function|unknown type name) '(\w+)'|^'(?:std::)?(\w+)' "
    r"(?:undeclared|was not declared|is not a member of|in namespace 'std' does not name|"
    r"does not name a|has not been declared)"
)


def wanted(language: str, diagnostics: Sequence[Diagnostic]) -> list[str]:
    """The declaration lines the compile errors ask for, in order of first need."""
    lines: list[str] = []
    for d in diagnostics:
        if d.severity == "error" and d.stage == "compile":
            line = _line_for(language, d.message)
            if line and line not in lines:
                lines.append(line)
    return lines


def _line_for(language: str, message: str) -> str | None:
    if language == "java":
        m = _JAVA_SYMBOL.search(message)
        return JAVA_IMPORTS.get(m.group(1)) if m else None
    if language == "rust":
        m = _RUST_NAME.search(message)
        if m:
            return RUST_USES.get(m.group(1))
        m = _RUST_METHOD.search(message)
        trait = _RUST_TRAIT_METHODS.get(m.group(1)) if m else None
        return f"use {trait};" if trait else None
    if language in ("c", "cpp"):
        hint = _GCC_HINT.search(message)
        if hint:
            return f"#include <{hint.group(1)}>"
        m = _GCC_NAME.search(message)
        table = C_INCLUDES if language == "c" else CPP_INCLUDES
        return table.get(m.group(1) or m.group(2)) if m else None
    return None


_PY_UNDEFINED = re.compile(r"^undefined name '(\w+)'")


def asks_for_declaration(language: str, d: Diagnostic) -> bool:
    """Whether compile error ``d`` is one this module answers with a declaration."""
    if d.severity != "error" or d.stage != "compile":
        return False
    if language == "python":
        m = _PY_UNDEFINED.match(d.message)
        return m is not None and m.group(1) in imports.KNOWN
    if language == "go":
        m = _GO_UNDECLARED.match(d.message)
        return _GO_UNUSED.match(d.message) is not None or bool(m and m.group(1) in GO_PACKAGES)
    return _line_for(language, d.message) is not None


def add_missing(code: str, language: str, diagnostics: Sequence[Diagnostic]) -> str:
    """``code`` with the lines its compile errors ask for (unchanged when none is known)."""
    if language == "python":
        return imports.add_imports(code)
    if language == "go":
        return go_imports(code, diagnostics)
    lines = [line for line in wanted(language, diagnostics) if line not in code]
    if not lines:
        return code
    return insert_declarations(code, lines, DECLARATION_LINE[language])


# Declarations go after the last of these at the top of the file (else first).
DECLARATION_LINE = {
    "java": re.compile(r"^\s*(?:package|import)\s[^;]*;\s*$"),
    "rust": re.compile(r"^\s*(?:use\s[^;]*;|extern crate\s\w+;|#!\[.*\])\s*$"),
    "c": re.compile(r"^\s*#\s*include\b"),
    "cpp": re.compile(r"^\s*#\s*include\b"),
}


def insert_declarations(code: str, lines: list[str], after: re.Pattern[str]) -> str:
    """``lines`` after the last top-of-file declaration matching ``after`` (else at the top)."""
    rows = code.split("\n")
    last = -1
    for index, row in enumerate(rows):
        if after.match(row):
            last = index
        elif row.strip() and not row.lstrip().startswith(("//", "/*", "*", "#")) and last >= 0:
            break
    block = sorted(lines)
    if last < 0:
        gap = [""] if rows and rows[0].strip() else []
        return "\n".join([*block, *gap, *rows])
    return "\n".join([*rows[: last + 1], *block, *rows[last + 1 :]])


GO_PACKAGES = frozenset(
    [
        "fmt",
        "os",
        "strings",
        "strconv",
        "sort",
        "math",
        "unicode",
        "bufio",
        "errors",
        "bytes",
        "regexp",
        "time",
        "slices",
        "maps",
    ]
)
_GO_UNUSED = re.compile(r'^"([\w/]+)" imported (?:but|and) not used$')
_GO_UNDECLARED = re.compile(r"^(?:undeclared name|undefined): (\w+)$")


def go_imports(code: str, diagnostics: Sequence[Diagnostic]) -> str:
    """Drop the imports Go calls unused; import the standard packages it calls undeclared."""
    unused, needed = set(), []
    for d in diagnostics:
        if d.severity != "error" or d.stage != "compile":
            continue
        if m := _GO_UNUSED.match(d.message):
            unused.add(m.group(1))
        elif (m := _GO_UNDECLARED.match(d.message)) and m.group(1) in GO_PACKAGES:
            needed.append(m.group(1))
    rows = [
        row
        for row in code.split("\n")
        if not (m := re.fullmatch(r'\s*(?:import\s+)?"([\w/]+)"\s*', row))
        or m.group(1) not in unused
    ]
    rows = _drop_empty_import_block(rows)
    new = [f'import "{name}"' for name in sorted(set(needed)) if f'"{name}"' not in code]
    return insert_declarations("\n".join(rows), new, _GO_DECLARATION) if new else "\n".join(rows)


_GO_DECLARATION = re.compile(r'^\s*(?:package\s+\w+|import\s+"[\w/]+"|\))\s*$')


def _drop_empty_import_block(rows: list[str]) -> list[str]:
    """``import (`` and ``)`` with nothing left between them go too."""
    out: list[str] = []
    for row in rows:
        if row.strip() == ")" and out and out[-1].strip() == "import (":
            out.pop()
            continue
        out.append(row)
    return out

"""Hand-written problems for studying the ranker (never HumanEval): the prompt a user would give
(signature and docstring with a few examples), hidden tests in ``check(candidate)`` form that
also probe the edge cases the examples leave out, and a reference solution that must pass them.
Written for this project; the shapes follow HumanEval's so the same harness scores them.
"""

from __future__ import annotations

from textwrap import dedent
from typing import Any


def _task(name: str, prompt: str, test: str, reference: str) -> dict[str, Any]:
    return {
        "task_id": f"codegen/{name}",
        "entry_point": name,
        "prompt": dedent(prompt).lstrip("\n"),
        "test": dedent(test).lstrip("\n"),
        "reference": dedent(reference).lstrip("\n"),
    }


TASKS: list[dict[str, Any]] = [
    _task(
        "run_length",
        r'''
        def run_length(s: str) -> str:
            """Encode s as each character followed by how many
            times it repeats in a row.
            >>> run_length('aaab')
            'a3b1'
            >>> run_length('xyz')
            'x1y1z1'
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('aaab') == 'a3b1'
            assert candidate('xyz') == 'x1y1z1'
            assert candidate('') == ''
            assert candidate('aabbaa') == 'a2b2a2'
            assert candidate('c' * 12) == 'c12'
        """,
        r"""
        def run_length(s):
            out = []
            i = 0
            while i < len(s):
                j = i
                while j < len(s) and s[j] == s[i]:
                    j += 1
                out.append(f'{s[i]}{j - i}')
                i = j
            return ''.join(out)
        """,
    ),
    _task(
        "second_largest",
        r'''
        def second_largest(nums: list[int]) -> int | None:
            """The second largest distinct value in nums, or None when there is none.
            >>> second_largest([4, 1, 3])
            3
            >>> second_largest([7])
            None
            """
        ''',
        r"""
        def check(candidate):
            assert candidate([4, 1, 3]) == 3
            assert candidate([7]) is None
            assert candidate([5, 5, 2]) == 2
            assert candidate([5, 5]) is None
            assert candidate([]) is None
            assert candidate([-1, -3, -2]) == -2
        """,
        r"""
        def second_largest(nums):
            values = sorted(set(nums))
            return values[-2] if len(values) > 1 else None
        """,
    ),
    _task(
        "balanced",
        r'''
        def balanced(s: str) -> bool:
            """True when the brackets (), [] and {} in s are balanced and properly nested;
            other characters are ignored.
            >>> balanced('(a[b]{c})')
            True
            >>> balanced('(]')
            False
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('(a[b]{c})') is True
            assert candidate('(]') is False
            assert candidate('') is True
            assert candidate('([)]') is False
            assert candidate('((') is False
            assert candidate('x)(') is False
        """,
        r"""
        def balanced(s):
            pairs = {')': '(', ']': '[', '}': '{'}
            stack = []
            for ch in s:
                if ch in '([{':
                    stack.append(ch)
                elif ch in pairs:
                    if not stack or stack.pop() != pairs[ch]:
                        return False
            return not stack
        """,
    ),
    _task(
        "rotate_right",
        r'''
        def rotate_right(xs: list, k: int) -> list:
            """Rotate xs to the right by k places (k may be larger than the length).
            >>> rotate_right([1, 2, 3, 4], 1)
            [4, 1, 2, 3]
            """
        ''',
        r"""
        def check(candidate):
            assert candidate([1, 2, 3, 4], 1) == [4, 1, 2, 3]
            assert candidate([1, 2, 3], 5) == [2, 3, 1]
            assert candidate([], 3) == []
            assert candidate([1, 2], 0) == [1, 2]
        """,
        r"""
        def rotate_right(xs, k):
            if not xs:
                return []
            k %= len(xs)
            return xs[-k:] + xs[:-k] if k else list(xs)
        """,
    ),
    _task(
        "roman_value",
        r'''
        def roman_value(s: str) -> int:
            """The integer a Roman numeral stands for.
            >>> roman_value("XIV")
            14
            >>> roman_value("MCM")
            1900
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('XIV') == 14
            assert candidate('MCM') == 1900
            assert candidate('MCMXCIV') == 1994
            assert candidate('III') == 3
            assert candidate('XLIX') == 49
            assert candidate('CDXLIV') == 444
        """,
        r"""
        def roman_value(s):
            v = {'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
            total = 0
            for a, b in zip(s, s[1:] + ' '):
                total += -v[a] if b != ' ' and v[a] < v[b] else v[a]
            return total
        """,
    ),
    _task(
        "to_base",
        r'''
        def to_base(n: int, base: int) -> str:
            """n written in base 2 to 16 with lowercase digits; negative numbers get a
            leading '-'.
            >>> to_base(255, 16)
            'ff'
            >>> to_base(5, 2)
            '101'
            """
        ''',
        r"""
        def check(candidate):
            assert candidate(255, 16) == 'ff'
            assert candidate(5, 2) == '101'
            assert candidate(0, 7) == '0'
            assert candidate(-10, 2) == '-1010'
            assert candidate(64, 8) == '100'
        """,
        r"""
        def to_base(n, base):
            if n == 0:
                return '0'
            digits = '0123456789abcdef'
            sign = '-' if n < 0 else ''
            n = abs(n)
            out = ''
            while n:
                n, r = divmod(n, base)
                out = digits[r] + out
            return sign + out
        """,
    ),
    _task(
        "merge_spans",
        r'''
        def merge_spans(spans: list[list[int]]) -> list[list[int]]:
            """Merge overlapping or touching [start, end] spans; the result is sorted.
            >>> merge_spans([[1, 3], [2, 6], [8, 9]])
            [[1, 6], [8, 9]]
            """
        ''',
        r"""
        def check(candidate):
            assert candidate([[1, 3], [2, 6], [8, 9]]) == [[1, 6], [8, 9]]
            assert candidate([[5, 7], [1, 2]]) == [[1, 2], [5, 7]]
            assert candidate([[1, 2], [2, 4]]) == [[1, 4]]
            assert candidate([]) == []
            assert candidate([[1, 10], [2, 3]]) == [[1, 10]]
        """,
        r"""
        def merge_spans(spans):
            out = []
            for a, b in sorted(spans):
                if out and a <= out[-1][1]:
                    out[-1][1] = max(out[-1][1], b)
                else:
                    out.append([a, b])
            return out
        """,
    ),
    _task(
        "shift_letters",
        r'''
        def shift_letters(s: str, k: int) -> str:
            """Shift every ASCII letter k places along the alphabet, wrapping around and
            keeping its case; other characters stay as they are.
            >>> shift_letters('abz', 1)
            'bca'
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('abz', 1) == 'bca'
            assert candidate('Hello, World!', 3) == 'Khoor, Zruog!'
            assert candidate('abc', -1) == 'zab'
            assert candidate('Zz', 53) == 'Aa'
        """,
        r"""
        def shift_letters(s, k):
            out = []
            for ch in s:
                if 'a' <= ch <= 'z' or 'A' <= ch <= 'Z':
                    base = ord('a') if ch.islower() else ord('A')
                    ch = chr(base + (ord(ch) - base + k) % 26)
                out.append(ch)
            return ''.join(out)
        """,
    ),
    _task(
        "common_prefix",
        r'''
        def common_prefix(words: list[str]) -> str:
            """The longest prefix shared by all words ("" for an empty list).
            >>> common_prefix(['flow', 'flower', 'flight'])
            'fl'
            """
        ''',
        r"""
        def check(candidate):
            assert candidate(['flow', 'flower', 'flight']) == 'fl'
            assert candidate([]) == ''
            assert candidate(['same']) == 'same'
            assert candidate(['ab', 'cd']) == ''
            assert candidate(['abc', 'ab']) == 'ab'
        """,
        r"""
        def common_prefix(words):
            if not words:
                return ''
            first = words[0]
            for i, ch in enumerate(first):
                if any(i >= len(w) or w[i] != ch for w in words):
                    return first[:i]
            return first
        """,
    ),
    _task(
        "flatten",
        r'''
        def flatten(items: list) -> list:
            """All the non-list values of an arbitrarily nested list, in order.
            >>> flatten([1, [2, [3]], 4])
            [1, 2, 3, 4]
            """
        ''',
        r"""
        def check(candidate):
            assert candidate([1, [2, [3]], 4]) == [1, 2, 3, 4]
            assert candidate([]) == []
            assert candidate([[[]]]) == []
            assert candidate([['ab', ['c']], 'd']) == ['ab', 'c', 'd']
        """,
        r"""
        def flatten(items):
            out = []
            for x in items:
                out.extend(flatten(x) if isinstance(x, list) else [x])
            return out
        """,
    ),
    _task(
        "chunks",
        r'''
        def chunks(xs: list, size: int) -> list[list]:
            """Split xs into consecutive pieces of the given size; the last may be shorter.
            >>> chunks([1, 2, 3, 4, 5], 2)
            [[1, 2], [3, 4], [5]]
            """
        ''',
        r"""
        def check(candidate):
            assert candidate([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
            assert candidate([], 3) == []
            assert candidate([1, 2], 5) == [[1, 2]]
            assert candidate([1, 2, 3], 1) == [[1], [2], [3]]
        """,
        r"""
        def chunks(xs, size):
            return [xs[i:i + size] for i in range(0, len(xs), size)]
        """,
    ),
    _task(
        "anagrams",
        r'''
        def anagrams(a: str, b: str) -> bool:
            """True when a and b use the same letters the same number of times, ignoring
            spaces and case.
            >>> anagrams('Dormitory', 'dirty room')
            True
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('Dormitory', 'dirty room') is True
            assert candidate('abc', 'abd') is False
            assert candidate('aab', 'abb') is False
            assert candidate('', '  ') is True
        """,
        r"""
        def anagrams(a, b):
            def key(s):
                return sorted(s.replace(' ', '').lower())
            return key(a) == key(b)
        """,
    ),
    _task(
        "next_palindrome",
        r'''
        def next_palindrome(n: int) -> int:
            """The smallest palindromic number strictly greater than n (n >= 0).
            >>> next_palindrome(123)
            131
            """
        ''',
        r"""
        def check(candidate):
            assert candidate(123) == 131
            assert candidate(9) == 11
            assert candidate(99) == 101
            assert candidate(0) == 1
            assert candidate(808) == 818
        """,
        r"""
        def next_palindrome(n):
            n += 1
            while str(n) != str(n)[::-1]:
                n += 1
            return n
        """,
    ),
    _task(
        "primes_below",
        r'''
        def primes_below(n: int) -> int:
            """How many prime numbers are smaller than n.
            >>> primes_below(10)
            4
            """
        ''',
        r"""
        def check(candidate):
            assert candidate(10) == 4
            assert candidate(2) == 0
            assert candidate(3) == 1
            assert candidate(100) == 25
            assert candidate(0) == 0
        """,
        r"""
        def primes_below(n):
            return sum(all(p % d for d in range(2, int(p ** 0.5) + 1)) for p in range(2, n))
        """,
    ),
    _task(
        "collatz_steps",
        r'''
        def collatz_steps(n: int) -> int:
            """How many steps the Collatz rule (halve an even number, else 3n + 1) takes
            to bring n down to 1.
            >>> collatz_steps(6)
            8
            """
        ''',
        r"""
        def check(candidate):
            assert candidate(6) == 8
            assert candidate(1) == 0
            assert candidate(2) == 1
            assert candidate(27) == 111
        """,
        r"""
        def collatz_steps(n):
            steps = 0
            while n != 1:
                n = n // 2 if n % 2 == 0 else 3 * n + 1
                steps += 1
            return steps
        """,
    ),
    _task(
        "transpose",
        r'''
        def transpose(m: list[list[int]]) -> list[list[int]]:
            """The transpose of a rectangular matrix given as a list of rows.
            >>> transpose([[1, 2, 3], [4, 5, 6]])
            [[1, 4], [2, 5], [3, 6]]
            """
        ''',
        r"""
        def check(candidate):
            assert candidate([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]
            assert candidate([]) == []
            assert candidate([[7]]) == [[7]]
            assert candidate([[1], [2]]) == [[1, 2]]
        """,
        r"""
        def transpose(m):
            return [list(col) for col in zip(*m)]
        """,
    ),
    _task(
        "best_run_sum",
        r'''
        def best_run_sum(nums: list[int]) -> int:
            """The largest sum of a non-empty run of consecutive elements.
            >>> best_run_sum([2, -5, 3, 4, -1])
            7
            """
        ''',
        r"""
        def check(candidate):
            assert candidate([2, -5, 3, 4, -1]) == 7
            assert candidate([-3, -1, -2]) == -1
            assert candidate([5]) == 5
            assert candidate([1, 2, 3]) == 6
        """,
        r"""
        def best_run_sum(nums):
            best = cur = nums[0]
            for x in nums[1:]:
                cur = max(x, cur + x)
                best = max(best, cur)
            return best
        """,
    ),
    _task(
        "squeeze_spaces",
        r'''
        def squeeze_spaces(s: str) -> str:
            """Replace every run of whitespace with one space and drop leading and trailing
            whitespace.
            >>> squeeze_spaces('  a   b ')
            'a b'
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('  a   b ') == 'a b'
            assert candidate('x\t\ny') == 'x y'
            assert candidate('   ') == ''
            assert candidate('one') == 'one'
        """,
        r"""
        def squeeze_spaces(s):
            return ' '.join(s.split())
        """,
    ),
    _task(
        "snake_to_camel",
        r'''
        def snake_to_camel(name: str) -> str:
            """Turn snake_case into camelCase; repeated, leading and trailing underscores are
            dropped.
            >>> snake_to_camel('parse_iso_date')
            'parseIsoDate'
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('parse_iso_date') == 'parseIsoDate'
            assert candidate('x') == 'x'
            assert candidate('a__b') == 'aB'
            assert candidate('_lead_trail_') == 'leadTrail'
        """,
        r"""
        def snake_to_camel(name):
            parts = [p for p in name.split('_') if p]
            if not parts:
                return ''
            return parts[0] + ''.join(p[:1].upper() + p[1:] for p in parts[1:])
        """,
    ),
    _task(
        "sum_multiples",
        r'''
        def sum_multiples(limit: int, factors: list[int]) -> int:
            """The sum of the numbers from 1 below limit that are a multiple of at least one
            of the factors (a factor 0 is ignored).
            >>> sum_multiples(10, [3, 5])
            23
            """
        ''',
        r"""
        def check(candidate):
            assert candidate(10, [3, 5]) == 23
            assert candidate(20, [0, 7]) == 21
            assert candidate(1, [1]) == 0
            assert candidate(16, [3, 5, 15]) == 60
        """,
        r"""
        def sum_multiples(limit, factors):
            return sum(n for n in range(1, limit) if any(f and n % f == 0 for f in factors))
        """,
    ),
    _task(
        "valid_ipv4",
        r'''
        def valid_ipv4(s: str) -> bool:
            """True for four decimal numbers 0-255 separated by dots, without leading zeros.
            >>> valid_ipv4('192.168.0.1')
            True
            >>> valid_ipv4('256.1.1.1')
            False
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('192.168.0.1') is True
            assert candidate('256.1.1.1') is False
            assert candidate('01.2.3.4') is False
            assert candidate('1.2.3') is False
            assert candidate('1.2.3.a') is False
            assert candidate('0.0.0.0') is True
            assert candidate('1.2.3.4.5') is False
        """,
        r"""
        def valid_ipv4(s):
            parts = s.split('.')
            if len(parts) != 4:
                return False
            for p in parts:
                if not p.isdigit() or (len(p) > 1 and p[0] == '0') or int(p) > 255:
                    return False
            return True
        """,
    ),
    _task(
        "month_days",
        r'''
        def month_days(year: int, month: int) -> int:
            """How many days the month (1-12) has in the given Gregorian year.
            >>> month_days(2023, 2)
            28
            """
        ''',
        r"""
        def check(candidate):
            assert candidate(2023, 2) == 28
            assert candidate(2024, 2) == 29
            assert candidate(1900, 2) == 28
            assert candidate(2000, 2) == 29
            assert candidate(2023, 4) == 30
            assert candidate(2023, 12) == 31
        """,
        r"""
        def month_days(year, month):
            if month == 2:
                leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
                return 29 if leap else 28
            return 30 if month in (4, 6, 9, 11) else 31
        """,
    ),
    _task(
        "pascal_row",
        r'''
        def pascal_row(n: int) -> list[int]:
            """Row n of Pascal's triangle, counting the top row [1] as row 0.
            >>> pascal_row(3)
            [1, 3, 3, 1]
            """
        ''',
        r"""
        def check(candidate):
            assert candidate(3) == [1, 3, 3, 1]
            assert candidate(0) == [1]
            assert candidate(1) == [1, 1]
            assert candidate(5) == [1, 5, 10, 10, 5, 1]
        """,
        r"""
        def pascal_row(n):
            row = [1]
            for _ in range(n):
                row = [a + b for a, b in zip([0] + row, row + [0])]
            return row
        """,
    ),
    _task(
        "drop_repeats",
        r'''
        def drop_repeats(seq) -> list:
            """The items of a list or string with consecutive duplicates collapsed to one.
            >>> drop_repeats('aaBBcA')
            ['a', 'B', 'c', 'A']
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('aaBBcA') == ['a', 'B', 'c', 'A']
            assert candidate([1, 1, 2, 1]) == [1, 2, 1]
            assert candidate('') == []
            assert candidate([3, 3, 3]) == [3]
        """,
        r"""
        def drop_repeats(seq):
            out = []
            for x in seq:
                if not out or out[-1] != x:
                    out.append(x)
            return out
        """,
    ),
    _task(
        "duration_seconds",
        r'''
        def duration_seconds(text: str) -> int:
            """Seconds in a duration such as "1h30m15s"; each of h, m and s is optional but
            they come in that order.
            >>> duration_seconds('1h30m15s')
            5415
            >>> duration_seconds('45s')
            45
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('1h30m15s') == 5415
            assert candidate('45s') == 45
            assert candidate('2m') == 120
            assert candidate('3h5s') == 10805
            assert candidate('10h') == 36000
        """,
        r"""
        import re

        def duration_seconds(text):
            m = re.fullmatch(r'(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?', text)
            h, mi, s = (int(g or 0) for g in m.groups())
            return h * 3600 + mi * 60 + s
        """,
    ),
    _task(
        "kth_smallest",
        r'''
        def kth_smallest(nums: list[int], k: int) -> int:
            """The k-th smallest element (k from 1), duplicates counted separately.
            >>> kth_smallest([7, 2, 5], 2)
            5
            """
        ''',
        r"""
        def check(candidate):
            assert candidate([7, 2, 5], 2) == 5
            assert candidate([3, 1, 3, 2], 3) == 3
            assert candidate([4], 1) == 4
            assert candidate([9, 8, 7], 3) == 9
        """,
        r"""
        def kth_smallest(nums, k):
            return sorted(nums)[k - 1]
        """,
    ),
    _task(
        "balance_index",
        r'''
        def balance_index(nums: list[int]) -> int:
            """The smallest index i where the sum of the elements before i equals the sum of
            the elements after i, or -1 when there is none.
            >>> balance_index([1, 7, 3, 6, 5, 6])
            3
            """
        ''',
        r"""
        def check(candidate):
            assert candidate([1, 7, 3, 6, 5, 6]) == 3
            assert candidate([1, 2, 3]) == -1
            assert candidate([5]) == 0
            assert candidate([2, 1, -1]) == 0
            assert candidate([]) == -1
        """,
        r"""
        def balance_index(nums):
            total, left = sum(nums), 0
            for i, x in enumerate(nums):
                if left == total - left - x:
                    return i
                left += x
            return -1
        """,
    ),
    _task(
        "digit_product",
        r'''
        def digit_product(n: int) -> int:
            """The product of the non-zero digits of n (its sign ignored); 0 when it has none.
            >>> digit_product(2304)
            24
            """
        ''',
        r"""
        def check(candidate):
            assert candidate(2304) == 24
            assert candidate(0) == 0
            assert candidate(-15) == 5
            assert candidate(1000) == 1
            assert candidate(7) == 7
        """,
        r"""
        def digit_product(n):
            digits = [int(d) for d in str(abs(n)) if d != '0']
            if not digits:
                return 0
            out = 1
            for d in digits:
                out *= d
            return out
        """,
    ),
    _task(
        "word_counts",
        r'''
        def word_counts(text: str) -> dict[str, int]:
            """How often each word occurs, lowercased; a word is a run of letters.
            >>> word_counts('The cat, the hat.')
            {'the': 2, 'cat': 1, 'hat': 1}
            """
        ''',
        r"""
        def check(candidate):
            assert candidate('The cat, the hat.') == {'the': 2, 'cat': 1, 'hat': 1}
            assert candidate('') == {}
            assert candidate("it's 3 o'clock") == {'it': 1, 's': 1, 'o': 1, 'clock': 1}
            assert candidate('A-a a') == {'a': 3}
        """,
        r"""
        import re

        def word_counts(text):
            out = {}
            for w in re.findall('[a-z]+', text.lower()):
                out[w] = out.get(w, 0) + 1
            return out
        """,
    ),
    _task(
        "group_by_length",
        r'''
        def group_by_length(words: list[str]) -> dict[int, list[str]]:
            """Words grouped by length, each group in the order the words first appear and
            without duplicates.
            >>> group_by_length(['hi', 'yo', 'cat'])
            {2: ['hi', 'yo'], 3: ['cat']}
            """
        ''',
        r"""
        def check(candidate):
            assert candidate(['hi', 'yo', 'cat']) == {2: ['hi', 'yo'], 3: ['cat']}
            assert candidate([]) == {}
            assert candidate(['a', 'b', 'a']) == {1: ['a', 'b']}
            assert candidate(['zz', 'aa']) == {2: ['zz', 'aa']}
        """,
        r"""
        def group_by_length(words):
            out = {}
            for w in words:
                group = out.setdefault(len(w), [])
                if w not in group:
                    group.append(w)
            return out
        """,
    ),
]

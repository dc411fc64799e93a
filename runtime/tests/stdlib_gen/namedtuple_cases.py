"""Outcomes of collections.namedtuple expressions under CPython 3.11 (PYTHONHASHSEED=0 for
set order). Each expression is mirrored by Rust code in tests/stdlib_namedtuple.rs."""
import collections.abc
import json
import urllib.parse as up
import os
import sys
from collections import namedtuple

from common import outcome, table

if os.environ.get('PYTHONHASHSEED') != '0':
    os.environ['PYTHONHASHSEED'] = '0'
    os.execv(sys.executable, [sys.executable] + sys.argv)

C = namedtuple("Condition", "category value")
P = namedtuple("Principal", ["category", "value"])
X = namedtuple("X", "a b c", defaults=[1, 2])
E = namedtuple("E", "")
c = C("arn", "x")
p = P("arn", "x")

EXPRS = [
    # Construction and its argument errors.
    "C('arn', 'x')",
    "C(value='v', category='k')",
    "C('k', value='v')",
    "C('a')",
    "C()",
    "C(category='a')",
    "C('a', 'b', 'c')",
    "C('a', 'b', 'c', 'd')",
    "C('a', category='b')",
    "C('a', 'b', foo=1)",
    "C(x=1, y=2)",
    "X(5)",
    "X()",
    "X(b=1)",
    "X(1, 2, 3, 4)",
    "X(1, c=9)",
    "C('a', 'b', 'c', category=1)",
    "C('a', 'b', 'c', foo=1)",
    "C(1, 2, _cls=3)",
    "C._make([1], [2], iterable=3)",
    "E()",
    "E(1)",
    # namedtuple() itself.
    "namedtuple('T', 'a, b')._fields",
    "namedtuple('T', 'a,b')._fields",
    "namedtuple('T', ' a \\t b ')._fields",
    "namedtuple('T', ('a', 'b'))._fields",
    "namedtuple('T', ['a', 5])",
    "namedtuple('T', '')._fields",
    "namedtuple('T', 'a a')",
    "namedtuple('T', 'a _b')",
    "namedtuple('T', 'a class')",
    "namedtuple('T', 'a 1b')",
    "namedtuple('T', 'a;b')",
    "namedtuple('1T', 'a')",
    "namedtuple('T y', 'a')",
    "namedtuple('_T', 'a')._fields",
    "namedtuple('T', 'a _b class a', rename=True)._fields",
    "namedtuple('T', 'a', defaults=[1, 2])",
    "namedtuple('T', 'a b', defaults=[1])._field_defaults",
    "namedtuple('T', 'a', defaults='z')(  )",
    "namedtuple('T', 'a', 5)",
    "namedtuple('T', 'a', 5, rename=True)",
    "namedtuple('T', 'a', 5, foo=1)",
    "namedtuple('T', 'a', 5, typename='U')",
    "namedtuple('T', 'a', foo=5)",
    "namedtuple('T')",
    "namedtuple('T', 5)",
    "namedtuple(typename='T', field_names='a')._fields",
    # Fields and attributes.
    "c.category",
    "c.value",
    "c.foo",
    "C.foo",
    "c._fields",
    "C._fields",
    "C._field_defaults",
    "X._field_defaults",
    "c.__doc__",
    "C.__name__",
    "hasattr(c, 'category')",
    "hasattr(c, 'foo')",
    "hasattr(c, '_asdict')",
    "c.__class__ is C",
    "c.__class__ is P",
    "c.__class__.__name__",
    "c.__class__('k', 'v')",
    "isinstance(c, (P, C))",
    "isinstance(C(1, [2]), collections.abc.Hashable)",
    "isinstance(c, collections.abc.Sequence)",
    "isinstance(C, type)",
    "isinstance(c, type)",
    "isinstance(C, collections.abc.Callable)",
    "isinstance(c, collections.abc.Callable)",
    # Tuple behaviour.
    "c == ('arn', 'x')",
    "('arn', 'x') == c",
    "c == p",
    "c != ('arn', 'x')",
    "c == ['arn', 'x']",
    "C(1, 2) == (1.0, 2)",
    "C(1, 2) == C(1, 3)",
    "hash(c) == hash(('arn', 'x'))",
    "len(c)",
    "len(E())",
    "bool(c)",
    "bool(E())",
    "c[0]",
    "c[-1]",
    "c[True]",
    "c[5]",
    "c['x']",
    "c[0:1]",
    "c[::-1]",
    "list(c)",
    "tuple(c)",
    "'x' in c",
    "'y' in c",
    "isinstance(c, tuple)",
    "isinstance(c, C)",
    "isinstance(c, P)",
    "isinstance(('arn', 'x'), C)",
    "c.count('arn')",
    "c.index('x')",
    "c.index('z')",
    "c < ('arn', 'y')",
    "('arn', 'y') > c",
    "C(1, 2) <= P(1, 2)",
    "C(1, 2) < 3",
    "sorted([C('b', 1), C('a', 2), ('a', 1)])",
    "c + (1,)",
    "(1,) + c",
    "c + c",
    "c * 2",
    "2 * c",
    "c + 1",
    "c + [1]",
    "(1, 'a') < C('a', 1)",
    "(1, 'a') >= C('a', 1)",
    "C('a', 1) < (1, 'a')",
    "'' * c",
    "None * c",
    "c * c",
    "[1] * c",
    "c * 'x'",
    "1 + c",
    "c - 1",
    "', '.join(c)",
    "dict([c])",
    "max(c)",
    "sum(C(1, 2))",
    "list(reversed(c))",
    "list(enumerate(c))",
    "list(zip(c, c))",
    "any(E())",
    "'{}|{!r}'.format(c, c)",
    "'{0[1]}'.format(c)",
    "format(c, '')",
    "format(c, '>5')",
    "'arn:aws'.startswith(c)",
    # repr, str, json.
    "repr(c)",
    "str(C('a', 1))",
    "repr([C(1, [2]), P(None, 1.5)])",
    "repr(E())",
    "json.dumps(c)",
    "json.dumps({'k': [C(1, 'x')]})",
    # Hashing and sets.
    "hash(C(1, [2]))",
    "{(1, 2): 'v'}[C(1, 2)]",
    "{C(1, 2): 'v'}[(1, 2)]",
    "C(1, 2) in {(1, 2)}",
    "(1, 2) in {C(1, 2)}",
    "repr({('x', 'y'), C('a', 'b'), C('c', 'd')})",
    "repr({C('a', 'b'), P('a', 'b')})",
    "repr(set([C('arn', 'a'), C('arn', 'b')]).union([C('arn', 'c'), C('account', 'a')]))",
    "repr(list({C('arn', k) for k in 'abcdefgh'}))",
    "len({C(1, 2), (1, 2), P(1, 2)})",
    # Helpers.
    "c._asdict()",
    "c._asdict(1)",
    "c._replace(value=3)",
    "c._replace(value=3, category=4)",
    "c._replace()",
    "c._replace(zz=3)",
    "c._replace(a=5, b=6)",
    "c._replace(1)",
    "C._make(['x', 'y'])",
    "C._make('xy')",
    "C._make(['x'])",
    "C._make([1, 2, 3])",
    "C._make(3)",
    "C._make()",
    "c._make([3, 4])",
    "C._make(iterable=[1, 2])",
    "C(*[1, 2])",
    "C(**{'category': 1, 'value': 2})",
    # urllib.parse's results are namedtuples too.
    "json.dumps(up.urlparse('https://a.b/c?d#e'))",
    "isinstance(up.urlsplit('https://a.b/c'), tuple)",
    "up.urlparse('https://a.b/c') == ('https', 'a.b', '/c', '', '', '')",
    "{('https', 'a.b', '/c', '', ''): 1}[up.urlsplit('https://a.b/c')]",
    "up.urlparse('https://a.b/c?d#e')[1:3]",
    "up.urlparse('https://a.b/c')[True]",
    "up.urlparse('https://a.b/c')['x']",
    "up.urlsplit('https://a.b/c') + (1,)",
    "up.urlsplit('https://a.b/c') < ('https', 'a.c')",
    "repr({up.urlsplit('https://a.b/c'), up.urlsplit('http://x'), ('https', 'a.b', '/c', '', '')})",
]


def assign(stmt):
    def f():
        exec(stmt, globals())
        return None
    return f


rows = [(e, outcome(lambda e=e: eval(e))) for e in EXPRS]
for stmt in ["c.category = 3", "c.foo = 3", "c._fields = 1", "c.count = 1", "c[0] = 1"]:
    rows.append((stmt, outcome(assign(stmt))))
# Unpacking.
def unpack():
    a, b = c
    return (b, a)
rows.append(("a, b = c", outcome(unpack)))
def unpack3():
    a, b, d = c
    return a
rows.append(("a, b, d = c", outcome(unpack3)))

print('// Generated by tests/stdlib_gen/namedtuple_cases.py from CPython %d.%d; do not edit.'
      % sys.version_info[:2])
print(table('NAMEDTUPLE_CASES', rows), end='')

"""JSONPath cases recorded from jsonpath_ng 1.5.3's `ext.parse` (the parser panther_core
uses for data-model paths): random paths over a grammar of the constructs ferrule evaluates,
plus some it refuses, each parsed and then found in random events.

Run with the PAT environment's Python (jsonpath_ng 1.5.3):
    PYTHONHASHSEED=0 PAT_PY tests/stdlib_gen/jsonpath_cases.py > tests/stdlib_gen/jsonpath_cases.rs
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))

import jsonpath_ng  # noqa: E402
from jsonpath_ng.ext import parse  # noqa: E402
from common import rs  # noqa: E402

NAMES = ['a', 'b', 'c', 'id', 'name', 'x-y', 'ok_1', 'where']
QUOTED = ["'a b'", '"c"', "'it''s'", "'a\\'b'", "'$'"]
LITERALS = ["'x'", "'a'", '1', '0', '2', '-1', '1.5', 'true', 'false', 'abc', "'^a'", "'1'"]
OPS = ['==', '=', '!=', '<', '<=', '>', '>=', '=~']


def field(rng):
    k = rng.random()
    if k < 0.7:
        return rng.choice(NAMES)
    if k < 0.85:
        return rng.choice(QUOTED)
    return '*'


def bracket(rng, depth):
    k = rng.randrange(8)
    if k == 0:
        return '[%d]' % rng.choice([0, 1, 2, -1, -2, 5])
    if k == 1:
        return '[*]'
    if k == 2:
        a = rng.choice(['', '0', '1', '-1', '2'])
        b = rng.choice(['', '1', '2', '-1', '3'])
        return '[%s:%s]' % (a, b)
    if k == 3:
        return '[%s]' % ','.join(rng.choice(NAMES + QUOTED) for _ in range(rng.randrange(1, 3)))
    exprs = []
    for _ in range(rng.randrange(1, 3)):
        target = rng.choice(['@', '@.' + rng.choice(NAMES), '@.' + rng.choice(NAMES) + '.' + rng.choice(NAMES),
                             rng.choice(NAMES), '@.' + rng.choice(NAMES) + '[0]'])
        if rng.random() < 0.8:
            exprs.append('%s %s %s' % (target, rng.choice(OPS), rng.choice(LITERALS)))
        else:
            exprs.append(target)
    body = ' & '.join(exprs)
    if rng.random() < 0.6:
        body = '(' + body + ')'
    return '[?%s]' % body


def path(rng, depth=0):
    parts = []
    if rng.random() < 0.7:
        parts.append('$')
    elif rng.random() < 0.3:
        parts.append('@')
    else:
        parts.append(field(rng))
    for _ in range(rng.randrange(0, 4)):
        k = rng.random()
        if k < 0.45:
            parts.append('.' + field(rng))
        elif k < 0.6:
            parts.append('..' + field(rng))
        elif k < 0.85:
            parts.append(bracket(rng, depth))
        elif k < 0.9 and depth < 1:
            parts.append(' where ' + path(rng, depth + 1).lstrip('$.'))
        elif k < 0.95 and depth < 1:
            parts.append(' | ' + path(rng, depth + 1))
        else:
            parts.append(rng.choice(['.`this`', '.`len`', ' + 1', '.`parent`', ' & $.a', '[/a]',
                                     '.' + rng.choice(NAMES) + ',' + rng.choice(NAMES)]))
    text = ''.join(parts)
    if rng.random() < 0.05:
        text = '(' + text + ')'
    return text


def value(rng, depth):
    k = rng.random()
    if depth > 2 or k < 0.35:
        return rng.choice([None, True, False, 0, 1, 2, 7, -1, 1.5, 'x', 'a', 'abc', '1', '', 'adm'])
    if k < 0.65:
        return {rng.choice(NAMES + ['a b', 'c', "it's", "a'b", '$']): value(rng, depth + 1)
                for _ in range(rng.randrange(0, 4))}
    return [value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]


def event(rng):
    return {rng.choice(NAMES): value(rng, 0) for _ in range(rng.randrange(1, 5))}


def ser(n):
    c = type(n).__name__
    if c in ('Root', 'This', 'Parent'):
        return [c]
    if c == 'Fields':
        return ['Fields'] + list(n.fields)
    if c in ('Child', 'Descendants', 'Where', 'Union', 'Intersect'):
        return [c, ser(n.left), ser(n.right)]
    if c == 'Index':
        return ['Index', n.index]
    if c == 'Slice':
        return ['Slice', n.start, n.end, n.step]
    if c == 'Filter':
        return ['Filter'] + [serx(e) for e in n.expressions]
    return ['Other', c]


def serx(e):
    if type(e).__name__ != 'Expression':
        return ['Other', type(e).__name__]
    v = None if e.value is None else [type(e.value).__name__, repr(e.value)]
    return ['Expression', ser(e.target), e.op, v]


def err(e):
    return '%s: %s' % (type(e).__name__, e)


def main():
    assert jsonpath_ng.__version__ == '1.5.3', jsonpath_ng.__version__
    rng = random.Random(20261201)
    rows = []
    seen = set()
    n_paths = int(os.environ.get('JSONPATH_PATHS', '700'))
    while len(seen) < n_paths:
        p = path(rng)
        if p in seen:
            continue
        seen.add(p)
        try:
            tree = parse(p)
        except Exception as e:  # noqa: BLE001
            rows.append((p, '', json.dumps({'parse_error': err(e)})))
            continue
        text = str(tree)
        parsed = {'ast': ser(tree), 'str': None if ' object at 0x' in text else text}
        for _ in range(3):
            ev = event(rng)
            try:
                found = [[json.dumps(m.value), str(m.full_path)] for m in tree.find(ev)]
                result = dict(parsed, find=found)
            except Exception as e:  # noqa: BLE001
                result = dict(parsed, error=err(e))
            rows.append((p, json.dumps(ev), json.dumps(result)))
    body = ''.join('    (%s),\n' % ', '.join(rs(x) for x in row) for row in rows)
    print('// Generated by tests/stdlib_gen/jsonpath_cases.py; do not edit.')
    print('const JSONPATH_CASES: &[(&str, &str, &str)] = &[\n%s];' % body)


main()

import re
from common import table, outcome

def desc(m):
    if m is None:
        return 'None'
    return '%r %r %r %r' % (m, m.groups(), m.groupdict(), [m.span(i) for i in range(len(m.groups()) + 1)])

CASES = [
    # (op, pattern, flags, string, extra)
    ('search', r'\d+', 0, 'abc 123 def', ''),
    ('search', r'(?P<user>\w+)@(?P<host>[\w.]+)', 0, 'mail bob@example.com now', ''),
    ('match', r'(a)(b)?', 0, 'ac', ''),
    ('match', r'b', 0, 'ab', ''),
    ('fullmatch', r'a|ab', 0, 'ab', ''),
    ('fullmatch', r'\w+', 0, 'héllo wörld', ''),
    ('search', r'wörld$', 0, 'héllo wörld\n', ''),
    ('search', r'd$', 0, 'abcd\n\n', ''),
    ('search', r'^b$', re.M, 'a\nb\nc', ''),
    ('search', r'^b$', 0, 'a\nb\nc', ''),
    ('search', r'abc\Z', 0, 'abc\n', ''),
    ('search', r'ABC', re.I, 'xxabcxx', ''),
    ('search', r'(?i)abc', 0, 'xxAbCxx', ''),
    ('search', r'a.c', 0, 'a\nc', ''),
    ('search', r'a.c', re.S, 'a\nc', ''),
    ('search', r'(?<=foo)bar', 0, 'foobar', ''),
    ('search', r'(?<!foo)bar', 0, 'foobar xbar', ''),
    ('search', r'(\w)\1', 0, 'abccd', ''),
    ('search', r'(?P<c>\w)(?P=c)', 0, 'abccd', ''),
    ('search', r'\bfoo\b', 0, 'a foo b', ''),
    ('search', r'\bfoo\b', 0, 'afoo b', ''),
    ('search', r'\s+', 0, 'a\x1c\x1d b', ''),
    ('search', r'[\s]+', 0, 'a\u2003\xa0b', ''),
    ('search', r'\w+', 0, '__init__ x', ''),
    ('search', r'\d+', 0, 'x ٣٤ y', ''),
    ('search', r'\d+', re.A, 'x ٣٤ 12', ''),
    ('search', r'a{2,3}', 0, 'caaaaat', ''),
    ('search', r'a{,2}b', 0, 'aaab', ''),
    ('search', r'{foo}', 0, 'x{foo}', ''),
    ('search', r'a{x', 0, 'a{x', ''),
    ('search', r'[]a]+', 0, 'x]a]b', ''),
    ('search', r'[^]a]+', 0, ']]bc', ''),
    ('search', r'[a-c-]+', 0, 'x-ab-c', ''),
    ('search', r'[\w.-]+@', 0, 'first.last-x@y', ''),
    ('search', r'[&&~]+', 0, 'a&&~b', ''),
    ('search', r'\.\*\?', 0, 'a.*?b', ''),
    ('search', r'\x41\u00e9\t', 0, 'Aé\t', ''),
    ('search', r'a # comment\n b', re.X, 'ab', ''),
    ('search', r'(?x) a [ ] b', 0, 'a b', ''),
    ('search', r'(?:ab)+', 0, 'xababx', ''),
    ('search', r'(a|b)*c', 0, 'abac', ''),
    ('search', r'(a+?)b', 0, 'aaab', ''),
    ('search', r'é+', 0, 'xxééé', ''),
    ('search', r'(?i)straße', 0, 'STRASSE Straße', ''),
    ('search', r'(?=.*x)a', 0, 'bax', ''),
    ('search', r'(?#comment)a', 0, 'ba', ''),
    ('search', r'(?i:A)b', 0, 'ab Ab aB', ''),
    ('findall', r'\d+', 0, 'a1b22c333', ''),
    ('findall', r'(\w)=(\d)?', 0, 'a=1 b= c=3', ''),
    ('findall', r'(\w+)@', 0, 'a@ b@', ''),
    ('findall', r'x*', 0, 'abxd', ''),
    ('findall', r'|a', 0, 'a', ''),
    ('findall', r'a*?', 0, 'aa', ''),
    ('findall', r'(?m)^', 0, 'a\n', ''),
    ('findall', r'\b', 0, 'ab cd', ''),
    ('findall', r'[a-z]*', 0, 'ab1cd', ''),
    ('sub', r'x*', 0, 'abxd', '-'),
    ('sub', r'(\w+)@(\w+)', 0, 'a@b c@d', r'\2 at \1'),
    ('sub', r'(?P<n>\d)', 0, 'a1b2', r'<\g<n>\g<0>>'),
    ('sub', r'a', 0, 'aaa', r'\n\t\\x'),
    ('sub', r'a', 0, 'aaa', r'\.'),
    ('sub', r'(a)|b', 0, 'ab', r'[\1]'),
    ('sub', r'\s+', 0, '  a  b  ', ' '),
    ('subn', r'a', 0, 'banana', 'o'),
    ('split', r'[,;]\s*', 0, 'a, b;c,  d', ''),
    ('split', r'(,)|(;)', 0, 'a,b;c', ''),
    ('split', r'\b', 0, 'a b', ''),
    ('split', r'x*', 0, 'axbc', ''),
    ('spans', r'\w+', 0, 'héllo wörld ünïcode', ''),
    ('spans', r'', 0, 'ab', ''),
    ('search', r'abc', 0, None, ''),
    ('search', r'a' * 3, 0, 'x' + 'a' * 80, ''),
]

rows = []
for op, pat, flags, s, extra in CASES:
    def f(op=op, pat=pat, flags=flags, s=s, extra=extra):
        if op in ('search', 'match', 'fullmatch'):
            return desc(getattr(re, op)(pat, s, flags))
        if op == 'findall':
            return re.findall(pat, s, flags)
        if op == 'sub':
            return re.sub(pat, extra, s, flags=flags)
        if op == 'subn':
            return re.subn(pat, extra, s, flags=flags)
        if op == 'split':
            return re.split(pat, s, flags=flags)
        if op == 'spans':
            return [m.span() for m in re.finditer(pat, s, flags)]
    res = outcome(f)
    if op in ('search', 'match', 'fullmatch') and not res.startswith('!'):
        res = f()
    rows.append((op, pat, str(int(flags)), 'None' if s is None else s, extra, res))
print(table('RE_CASES', rows))

esc = ['a.b-c d\t#&~', 'plain', '*?+[](){}|^$\\']
print(table('ESCAPE', [(e, re.escape(e)) for e in esc]))

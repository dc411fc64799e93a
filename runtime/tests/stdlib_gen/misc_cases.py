"""Outcomes of fnmatch, math, base64, binascii, urllib.parse, shlex and difflib calls."""
import base64, binascii, difflib, fnmatch, math, shlex, urllib.parse as up
from common import table, outcome

rows = []
def add(op, a, b, f):
    rows.append((op, a, b, outcome(f)))

fn = [('a.txt', '*.txt'), ('a.TXT', '*.txt'), ('abc', 'a?c'), ('a/b/c', 'a*c'), ('a', '[abc]'), ('d', '[!abc]'),
      ('-', '[a-]'), ('b', '[a-c]'), ('[', '['), ('[x', '[x'), ('a]', '[]]'), (']', '[]]'), ('x', '[]'), ('!', '[!]'),
      ('ab\nc', 'ab*'), ('aXbXc', '*X*X*'), ('b', '[c-a]'), ('b', '[a-c-e]'), ('^', '[^]'), ('&', '[&&]'), ('\\', '[\\]'),
      ('arn:aws:iam::123:role/Admin', 'arn:aws:iam::*:role/*'), ('', '*'), ('abc', '*b*'), ('abc', 'a**c'), ('.hidden', '*'),
      ('é', '?'), ('a-b', '[!-]-b'), ('x', '[z-a]x')]
for name, pat in fn:
    add('fnmatch', name, pat, lambda name=name, pat=pat: fnmatch.fnmatch(name, pat))

for name, args in [('sqrt', '16'), ('sqrt', '-1'), ('sqrt', '2'), ('radians', '180'), ('degrees', '3.141592653589793'),
                   ('sin', '0.5'), ('cos', '1'), ('tan', '0.7'), ('atan2', '1 2'), ('asin', '2'), ('acos', '0.3'),
                   ('log', '10'), ('log', '8 2'), ('log', '0'), ('log', '100 10'), ('log10', '1000'), ('exp', '1'),
                   ('exp', '1000'), ('floor', '-1.5'), ('ceil', '1.2'), ('floor', '7'), ('fabs', '-3'), ('isnan', 'nan'),
                   ('isinf', 'inf'), ('floor', 'inf'), ('sin', 'inf'), ('log2', '1024'), ('atan2', '-0.0 -1')]:
    def f(name=name, args=args):
        vals = [int(x) if x.lstrip('-').isdigit() else float(x) for x in args.split()]
        return getattr(math, name)(*vals)
    add('math', name, args, f)

for s in ['aGVsbG8=', 'aGVsbG8', 'aGVsbA', 'aGVsbG8=extra', 'a', 'aGV sbG8=', '!!aGVsbG8=', 'aGVs\nbG8=', '', '====',
          'aGVsbG8==', 'YQ==YQ==', 'é', 'Y=Q=', 'YWJj', 'YWJjZA', 'YWJjZA=', 'YW-_', '+/+/']:
    add('b64decode', s, '', lambda s=s: base64.b64decode(s))
    add('b64decode_validate', s, '', lambda s=s: base64.b64decode(s, validate=True))
    add('urlsafe_b64decode', s, '', lambda s=s: base64.urlsafe_b64decode(s))
for s in ['', 'a', 'ab', 'abc', 'abcd', 'hello world']:
    add('b64encode', s, '', lambda s=s: base64.b64encode(s.encode()))
for s in ['MFRGGZDFMZTWQ2LK', 'MFRGG===', 'MFRGGZA=', 'mfrgg===', 'MFRGG', 'MFRGG1==', 'MFRGGZDF', 'M=======', '']:
    add('b32decode', s, '', lambda s=s: base64.b32decode(s))
for s in ['48656c6c6f', '48656C6C6F', '4865z', '486', '', 'é0']:
    add('unhexlify', s, '', lambda s=s: binascii.unhexlify(s))

urls = ['https://user:pw@Example.COM:8443/a/b;p?q=1&r=2#frag', 'http://example.com', 'example.com/path', '//host/p',
        'mailto:a@b.c', 'http://[::1]:80/x', 'http://[::1/x', 'http://host:abc/', 'http://host:99999/', 'HTTP://HOST/',
        '  http://x/ ', 'http://a\tb/', 'path;params?q#f', 'http://[1.2.3.4]/', 'file:///etc/passwd', 'a:b', '1http://x',
        'http://host:/p', 'https://host/p;a;b/c;d']
for u in urls:
    add('urlparse', u, '', lambda u=u: (lambda r: (r, r.hostname, r.port, r.username, r.password))(up.urlparse(u)))
    add('urlsplit', u, '', lambda u=u: up.urlsplit(u))
for q in ['a=1&b=2&a=3', 'a=&b', 'a=1;b=2', 'x=%41%zz+y&y=%E4%B8', '=v&k=', '', 'a=%ed%a0%80']:
    add('parse_qs', q, '', lambda q=q: up.parse_qs(q))
    add('parse_qs_blank', q, '', lambda q=q: up.parse_qs(q, keep_blank_values=True))
    add('parse_qsl', q, '', lambda q=q: up.parse_qsl(q))
for s in ['a%20b', '%E2%9C%93', '%zz%4', 'plain', 'é%C3%A9', '%', '%F0%9F', 'a+b']:
    add('unquote', s, '', lambda s=s: up.unquote(s))
    add('unquote_plus', s, '', lambda s=s: up.unquote_plus(s))
for s in ['a b/c?d=é', '~_.-', '']:
    add('quote', s, '', lambda s=s: up.quote(s))
    add('quote_plus', s, '', lambda s=s: up.quote_plus(s))

for s in ['a b c', 'a "b c" d', "a 'b c' d", 'a\\ b', '"a\\"b"', "'a\\'b'", 'a"b c"d', '"unterminated', 'x\\', '', '  ',
          '""', "''", 'a #c', '"a\\nb"', "'a\\nb'", 'é ü', 'a\tb\nc', 'cmd.exe /c "echo hi"', '"\\\\"', 'a=b;c']:
    add('shlex', s, '', lambda s=s: shlex.split(s))
    add('shlex_comments', s, '', lambda s=s: shlex.split(s, comments=True))

pairs = [('abcd', 'bcde'), ('', ''), ('a', ''), ('kitten', 'sitting'), ('private_thing', 'privat_thing'),
         ('a' * 150 + 'b' * 100, 'a' * 120 + 'b' * 130), ('the quick brown fox jumps over the lazy dog ' * 6,
         'the quick brown cat jumps over the lazy dog ' * 6), ('abcabcabc', 'cbacbacba')]
for a, b in pairs:
    add('ratio', a, b, lambda a=a, b=b: difflib.SequenceMatcher(None, a, b).ratio())
    add('quick_ratio', a, b, lambda a=a, b=b: difflib.SequenceMatcher(None, a, b).quick_ratio())
print(table('MISC_CASES', rows))

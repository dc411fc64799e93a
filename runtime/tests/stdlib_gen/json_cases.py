import json
from common import table, outcome

loads = ['', ' ', '{', '{"a"', '{"a":', '{"a": }', '{"a":1,}', '[1,]', '[', '"abc', '"\\x"', '"\\u12"',
         '"\\u12zz"', '01', '-', '-a', 'nul', 'tru', '1e+', '"a\nb"', '{"a" 1}', '[1 2]', '\ufeff1', '{1:2}',
         '1.', 'NaN', '-Infinity', 'Infinity', '[1]x', '"\\u1234', 'a\nb', '\n\n  x', '{"a":1,"b":2,"a":3}',
         '[1, 2.5, -0, -0.0, 1e5, 1E-2, 1.5e+3, true, false, null, "x"]', '  {"k": [ {}, [] ] }  ',
         '"\\ud83d\\ude00 \\u00e9 \\" \\\\ \\/ \\b\\f\\n\\r\\t"', '"é😀"', '9223372036854775807',
         '-9223372036854775808', '1e400', '-1e400', '123456789012345678901234567890.0', '0.1',
         '{"a":\n  [1,\n  2,,]}', '[-]', '["a" "b"]', '{"a":1 "b":2}', '"\t"', '"abc\\', '"\\u00e9\\u00E9"',
         '{"a": {"b": {"c": [1, {"d": null}]}}}', '  ', '[1,\r\n2]', '[.5]', '[+1]', '[01]', '[1.e5]', '[1e]',
         '"\\u0000"', '{"":""}', 'true false', '[NaN, Infinity, -Infinity]', '-0', '[-01]', '[1e5x]']
rows = [(s, outcome(lambda s=s: json.loads(s))) for s in loads]
bytes_in = [b'{"a": 1}', b'\xef\xbb\xbf[1]', b'"\xc3\xa9"', b'\xff', b'"\xe4\x41"', b'"\xe4\xb8', b'"\xe4']
brows = [(b.hex(), outcome(lambda b=b: json.loads(b))) for b in bytes_in]

dump_vals = [
    ('nan', float('nan'), {}), ('keys', {1: 2, None: 4, 1.5: 5, False: 6, 'x': 7}, {}),
    ('str', 'é\U0001f600"\\\x01\x7f\u2028\t/', {}), ('str_noascii', 'é\U0001f600"\\\x01\x7f', {'ensure_ascii': False}),
    ('tuple', (1, 2), {}), ('floats', [1.0, 1e16, -0.0, 0.1, 1e-7, 123456789.123], {}),
    ('nan_strict', float('nan'), {'allow_nan': False}), ('tuplekey', {(1,): 2}, {}), ('set', {1}, {}),
    ('indent2', {'a': [1, {}, []], 'b': {}}, {'indent': 2}),
    ('indent_tab', {'a': [1, 2]}, {'indent': '\t', 'separators': (',', ':')}),
    ('indent0', {'a': [1, 2]}, {'indent': 0}), ('sort', {'b': 1, 'a': {'d': 1, 'c': 2}}, {'sort_keys': True}),
    ('sortnum', {2: 1, 1: 2, 1.5: 3}, {'sort_keys': True}), ('compact', {'a': [1, None, True]}, {'separators': (',', ':')}),
    ('skip', {(1,): 2, 'a': 1}, {'skipkeys': True}), ('nested', [[[]], {'a': {'b': [1.5, 'x']}}], {'indent': 1}),
    ('inf', [float('inf'), float('-inf')], {}), ('infkey', {float('inf'): 1}, {}),
    ('none', None, {}), ('bool', True, {}), ('int', -12, {}), ('empty_str', '', {}),
]
drows = [(name, outcome(lambda v=v, kw=kw: json.dumps(v, **kw))) for name, v, kw in dump_vals]
print(table('LOADS', rows))
print(table('LOADS_BYTES', brows))
print(table('DUMPS', drows))

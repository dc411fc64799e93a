"""Argument encodings and random call sequences shared by the caching generators."""
import datetime as _dt
from decimal import Decimal

# The fixed "now" both sides use (a fractional second, so int() truncation matters).
NOW = 1_700_000_000.75


def enc(v):
    """A JSON encoding of an argument that the Rust test rebuilds as a runtime Value."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return {'i': str(v)}
    if isinstance(v, Decimal):
        return {'D': str(v)}
    if isinstance(v, float):
        return {'f': repr(v)}
    if isinstance(v, list):
        return {'l': [enc(x) for x in v]}
    if isinstance(v, tuple):
        return {'t': [enc(x) for x in v]}
    if isinstance(v, frozenset):
        return {'fs': [enc(x) for x in v]}
    if isinstance(v, set):
        return {'s': [enc(x) for x in v]}
    if isinstance(v, dict):
        return {'d': [[enc(k), enc(x)] for k, x in v.items()]}
    if isinstance(v, bytes):
        return {'b': v.decode('latin-1')}
    if isinstance(v, _dt.datetime):
        return {'dt': [v.year, v.month, v.day, v.hour, v.minute, v.second]}
    raise TypeError(v)


def outcome(f):
    try:
        return repr(f())
    except Exception as e:  # noqa: BLE001
        return '!' + type(e).__name__ + ': ' + str(e)


KEYS = ['k1', 'k2', 'acct']
STRS = ['a', 'b', 'c', 'user@example.com', 'é', '']
NOW_I = int(NOW)


def epoch(rng):
    return rng.choice([
        None, 0, 1, 60, 3600, 604800, 604801, 604800.9, 1.5, -5, -604800,
        NOW_I - 10, NOW_I, NOW_I + 1, NOW_I - 1, NOW_I + 3600, NOW_I + 10 ** 6, 10 ** 6, 10 ** 9,
        float(NOW_I - 100), float(NOW_I + 100) + 0.5, '3600', '1700000100.5', ' 42 ', 'abc', '', '1_000_000_000', '1e9', 'inf', '-nan', '\u2003 5e2 ',
        float('nan'), float('inf'), True, False, [], {}, _dt.datetime(2030, 1, 1), b'60',
    ])


def strval(rng):
    kind = rng.randrange(10)
    if kind < 3:
        return rng.choice(STRS)
    if kind < 5:
        return [rng.choice(STRS) for _ in range(rng.randrange(4))]
    if kind == 5:
        return tuple(rng.choice(STRS) for _ in range(rng.randrange(3)))
    if kind == 6:
        return {rng.choice(STRS) for _ in range(rng.randrange(3))}
    if kind == 7:
        return {rng.choice(STRS): 1}
    if kind == 8:
        return rng.choice([None, 5, 1.5, [1], ['a', 2], frozenset({'a'}), b'ab', True])
    return []


def dictval(rng):
    return rng.choice([
        {}, {'a': 1}, {'a': [1, 2.5, None, True], 'b': {'c': 'd'}}, {'x': 'é'}, {1: 'int key'},
        {'s': {1, 2}}, [('a', 1)], 'not a dict', None, {'f': float('nan')}, {'b': b'x'},
        {(1, 2): 3}, {None: 1, True: 2, 1.5: 3},
    ])


def keyval(rng):
    if rng.random() < 0.97:
        return rng.choice(KEYS)
    return rng.choice([1, None, '', b'k1', 1.5])


def force(rng):
    return rng.choice([True, False, 1, 0, None, 'yes', ''])


def call(rng):
    name = rng.choice([
        'get_string_set', 'put_string_set', 'add_to_string_set', 'remove_from_string_set',
        'reset_string_set', 'get_dictionary', 'put_dictionary', 'increment_counter', 'get_counter',
        'reset_counter', 'set_key_expiration', 'check_account_age', 'evaluate_threshold',
        'add_to_string_set', 'increment_counter', 'get_string_set', 'get_counter',
    ])
    k = keyval(rng)
    args, kwargs = [k], {}
    if name in ('get_string_set', 'get_dictionary', 'get_counter'):
        if rng.random() < 0.6:
            f = force(rng)
            (kwargs.__setitem__('force_ttl_check', f) if rng.random() < 0.5 else args.append(f))
    elif name in ('put_string_set', 'add_to_string_set', 'remove_from_string_set'):
        args.append(strval(rng))
        if rng.random() < 0.6:
            e = epoch(rng)
            (kwargs.__setitem__('epoch_seconds', e) if rng.random() < 0.5 else args.append(e))
    elif name == 'put_dictionary':
        args.append(dictval(rng))
        if rng.random() < 0.6:
            args.append(epoch(rng))
    elif name == 'increment_counter':
        if rng.random() < 0.5:
            args.append(rng.choice([1, 1, 2, 5, -3, 0, True, 1.5, "1", None]))
        if rng.random() < 0.6:
            kwargs['epoch_seconds'] = epoch(rng)
    elif name == 'set_key_expiration':
        args.append(epoch(rng))
    elif name == 'check_account_age':
        args = [rng.choice(KEYS + ['', None, 1, ['k1']])]
    elif name == 'evaluate_threshold':
        if rng.random() < 0.6:
            args.append(rng.choice([1, 2, 3, 10, 0, -1, 1.5, True, 2.5, float('nan')]))
        if rng.random() < 0.5:
            kwargs['expiry_seconds'] = epoch(rng)
    if rng.random() < 0.02:
        args = []  # A missing required argument.
    if rng.random() < 0.02:
        kwargs['bogus'] = 1
    return name, args, kwargs


def fixed_sequences():
    """Hand-written sequences for the TTL paths, before the random ones."""
    past, future = NOW_I - 10, NOW_I + 3600
    return [
        [('increment_counter', ['k1'], {}), ('increment_counter', ['k1', 4], {}), ('get_counter', ['k1'], {}),
         ('set_key_expiration', ['k1', past], {}), ('get_counter', ['k1'], {}), ('get_counter', ['k1', True], {}),
         ('increment_counter', ['k1'], {}), ('get_counter', ['k1'], {}), ('reset_counter', ['k1'], {}),
         ('get_counter', ['k1'], {})],
        [('put_string_set', ['k1', ['a', 'b']], {}), ('get_string_set', ['k1'], {}),
         ('add_to_string_set', ['k1', 'c'], {}), ('remove_from_string_set', ['k1', ['a', 'b', 'c']], {}),
         ('get_string_set', ['k1'], {}), ('check_account_age', ['k1'], {}),
         ('put_string_set', ['k1', {'x'}], {'epoch_seconds': past}), ('get_string_set', ['k1'], {}),
         ('get_string_set', ['k1', True], {}), ('check_account_age', ['k1'], {}),
         ('add_to_string_set', ['k1', ['y']], {}), ('remove_from_string_set', ['k1', 'y'], {}),
         ('set_key_expiration', ['k1', past], {}), ('remove_from_string_set', ['k1', 'q'], {}),
         ('get_string_set', ['k1'], {})],
        [('put_dictionary', ['k1', {'a': 1}], {}), ('get_dictionary', ['k1'], {}),
         ('set_key_expiration', ['k1', past], {}), ('get_dictionary', ['k1'], {}),
         ('get_dictionary', ['k1', True], {}), ('put_dictionary', ['k1', {}, future], {}),
         ('get_dictionary', ['k1'], {}), ('increment_counter', ['k1'], {}), ('get_dictionary', ['k1'], {})],
        [('evaluate_threshold', ['k1', 3], {}), ('evaluate_threshold', ['k1', 3], {}),
         ('evaluate_threshold', ['k1', 3], {}), ('get_counter', ['k1'], {}), ('evaluate_threshold', ['k1', 3], {}),
         ('evaluate_threshold', ['k1'], {'expiry_seconds': past}), ('evaluate_threshold', ['k1'], {}),
         ('get_counter', ['k1', True], {})],
        [('set_key_expiration', ['k1', None], {}), ('set_key_expiration', ['k1'], {}),
         ('get_counter', ['k1'], {}), ('increment_counter', ['k1'], {}), ('add_to_string_set', ['k2', []], {}),
         ('remove_from_string_set', ['k2', []], {}), ('add_to_string_set', ['k2', 'a'], {'epoch_seconds': 0}),
         ('increment_counter', ['k2', 2], {'epoch_seconds': 0})],
        [('put_string_set', ['k1', ['a', 'b']], {}), ('remove_from_string_set', ['k1', 'z'], {}),
         ('add_to_string_set', ['k1', ['a']], {}), ('add_to_string_set', ['k1', 'a'], {'epoch_seconds': past}),
         ('get_string_set', ['k1'], {}), ('add_to_string_set', ['k1', ['a', 'b']], {}),
         ('get_string_set', ['k1', True], {}), ('increment_counter', ['k2'], {}),
         ('increment_counter', ['k2', 0], {}), ('get_counter', ['k2'], {}),
         ('increment_counter', ['k1', 0], {}), ('increment_counter', ['k1', 0], {})],
        # Number sets (read back as Decimals) and Decimal arguments.
        [('put_string_set', ['k1', [3, 1, 2]], {}), ('get_string_set', ['k1'], {}),
         ('add_to_string_set', ['k1', {5, True}], {}), ('remove_from_string_set', ['k1', (2,)], {}),
         ('check_account_age', ['k1'], {}), ('add_to_string_set', ['k1', [Decimal('7')]], {}),
         ('put_string_set', ['k2', [1.5, 2]], {}), ('add_to_string_set', ['k2', b'ab'], {}),
         ('remove_from_string_set', ['k2', [97]], {}), ('get_string_set', ['k2', True], {}),
         ('increment_counter', ['k3', Decimal('4')], {}), ('increment_counter', ['k3', Decimal('2')], {}),
         ('evaluate_threshold', ['k3', Decimal('7')], {}), ('evaluate_threshold', ['k3', Decimal('7.5')], {}),
         ('get_counter', ['k3'], {}), ('put_dictionary', ['k4', {'n': Decimal('1')}], {}),
         ('remove_from_string_set', ['k1', [1, 3, 5, 7]], {}), ('get_string_set', ['k1'], {}),
         ('add_to_string_set', ['k1', ['a']], {})],
    ]

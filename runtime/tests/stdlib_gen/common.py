"""Helpers for generating Rust table tests from CPython's behaviour."""


def rs(s: str) -> str:
    """A Rust string literal for s."""
    out = ['"']
    for c in s:
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == '\\':
            out.append('\\\\')
        elif 0x20 <= o < 0x7f:
            out.append(c)
        else:
            out.append('\\u{%x}' % o)
    out.append('"')
    return ''.join(out)


def outcome(f):
    """repr of f()'s result, or 'Type: message' of its exception prefixed by '!'."""
    try:
        return repr(f())
    except Exception as e:  # noqa: BLE001
        return '!' + type(e).__name__ + ': ' + str(e)


def table(name, rows):
    body = ''.join('    (%s),\n' % ', '.join(rs(x) for x in row) for row in rows)
    n = len(rows[0]) if rows else 2
    return 'const %s: &[(%s)] = &[\n%s];\n' % (name, ', '.join(['&str'] * n), body)


def outcome_str(f):
    """f()'s string result, or '!Type: message' of its exception."""
    try:
        return f()
    except Exception as e:  # noqa: BLE001
        return '!' + type(e).__name__ + ': ' + str(e)

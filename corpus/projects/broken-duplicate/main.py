"""Broken on purpose: a subclass without its own `id` shares its parent's, and registering
both raises `ValueError: Rule with id 'Corp.Alpha' is already registered` in CPython (so
`pypanther test` runs nothing). ferrule reports the duplicate and compiles the others.
"""

from corp_rules import Alpha, AlphaCopy, Beta
from pypanther import register

register([Alpha, Beta])
register(AlphaCopy)

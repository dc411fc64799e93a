"""CPython's outcomes for the runtime's models of installed libraries, printed as JSON for
`tests/stdlib_libraries.rs` (run with the PAT environment's Python: the models are checked
against the library versions PAT runs with, and their data is that environment's).

    python tests/stdlib_gen/libraries_eval.py botocore
    python tests/stdlib_gen/libraries_eval.py policyuniverse

`botocore` prints the exception class table in the shape `ferrule build` reads from
botocore/exceptions.py, and, for every class, what constructing and inspecting instances
gives. `policyuniverse` prints the service actions `ferrule build` embeds and the outcomes of
the data-dependent functions on a set of policies.
"""
import ast
import contextlib
import io
import json
import os
import string
import sys

BUILTIN_BASES = {'BaseException', 'Exception', 'ValueError', 'TypeError', 'KeyError', 'LookupError',
                 'AssertionError', 'AttributeError', 'RuntimeError', 'NotImplementedError', 'OSError'}


def err(e):
    return '!%s: %s' % (type(e).__name__, e)


def botocore_cases():
    import botocore
    import botocore.exceptions as bx
    path = os.path.join(os.path.dirname(botocore.__file__), 'exceptions.py')
    src = open(path, 'rb').read()
    offs = [0]
    for line in src.decode().splitlines(keepends=True):
        offs.append(offs[-1] + len(line.encode()))
    classes = []
    names = []
    for n in ast.parse(src.decode()).body:
        if not isinstance(n, ast.ClassDef):
            continue
        attrs = {}
        init = None
        for s in n.body:
            if (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
                    and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str)):
                attrs[s.targets[0].id] = s.value.value
            if isinstance(s, ast.FunctionDef) and s.name == '__init__':
                seg = src[offs[n.lineno - 1] + n.col_offset:offs[n.end_lineno - 1] + n.end_col_offset]
                h = 0xcbf29ce484222325
                for b in seg:
                    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
                init = '%016x' % h
        bases = [ast.unparse(b) for b in n.bases]
        classes.append({'name': n.name, 'bases': bases, 'attrs': attrs, 'init': init})
        names.append((n.name, bases))
    known = set()
    cases = []
    targets = {'BotoCoreError': bx.BotoCoreError, 'ClientError': bx.ClientError, 'ValueError': ValueError,
               'Exception': Exception, 'OSError': OSError, 'AssertionError': AssertionError,
               'LookupError': LookupError}
    for name, bases in names:
        representable = (bool(bases) and all(b in known or b in BUILTIN_BASES for b in bases)
                         and sum(b in known for b in bases) <= 1)
        if representable:
            known.add(name)
        cls = getattr(bx, name)
        fmt = getattr(cls, 'fmt', None)
        fields = sorted({f for _, f, _, _ in string.Formatter().parse(fmt) if f}) if isinstance(fmt, str) else []
        calls = [([], {}), (['positional'], {}), ([], {f: 'v-' + f for f in fields}),
                 ([], {'unexpected': 1, **{f: f for f in fields}})]
        if fields:
            calls.append(([], {fields[0]: {'nested': [1, 2]}}))
        if name == 'ClientError':
            calls += [
                ([{'Error': {'Code': 'AccessDenied', 'Message': 'no'}}, 'GetObject'], {}),
                ([{'Error': {}, 'ResponseMetadata': {'MaxAttemptsReached': True, 'RetryAttempts': 2}}, 'Put'], {}),
                ([{'ResponseMetadata': {'MaxAttemptsReached': True}}, 'Put'], {}),
                ([{'Error': {'Code': 5}}], {'operation_name': None}),
                ([], {'error_response': {}, 'operation_name': 'X'}),
                ([{}, 'A', 'extra'], {}),
            ]
        if name == 'WaiterError':
            calls += [(['w', 'timed out', {'a': 1}], {}), (['w'], {'reason': 'r', 'last_response': None})]
        if name == 'HTTPClientError':
            calls += [(['req', 'resp'], {'error': 'boom'}), ([], {'request': 1, 'error': 'e'}),
                      (['req'], {'request': 2})]
        for args, kwargs in calls:
            try:
                e = cls(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001
                outcome = err(exc)
            else:
                attrs = {}
                for a in ('kwargs', 'response', 'operation_name', 'request', 'last_response', 'fmt'):
                    if hasattr(e, a):
                        attrs[a] = repr(getattr(e, a))
                outcome = {
                    'str': str(e), 'repr': repr(e), 'args': repr(e.args), 'attrs': attrs,
                    'isinstance': {b: isinstance(e, c) for b, c in targets.items()},
                }
            cases.append({'cls': name, 'representable': representable, 'args': args, 'kwargs': kwargs,
                          'outcome': outcome})
    return {'table': {'classes': classes}, 'cases': cases}


def policyuniverse_cases():
    import policyuniverse
    from policyuniverse import action as act, action_categories as ac, expander_minimizer as em
    data = json.load(open(os.path.join(os.path.dirname(policyuniverse.__file__), 'data.json')))
    reduced = [[svc['prefix'], [[a, body['calculated_action_group']] for a, body in svc['actions'].items()]]
               for svc in data.values()]
    statements = [
        {'Effect': 'Allow', 'Action': 's3:Get*'},
        {'Effect': 'Allow', 'Action': ['iam:Pass*', 'sts:AssumeRole', 'corp:*']},
        {'Effect': 'Allow', 'Action': 'EC2:DescribeInstances'},
        {'Effect': 'Allow', 'Action': ['kms:*', 'kms:Decrypt']},
        {'Effect': 'Allow', 'NotAction': ['s3:*', 'ec2:*', 'iam:*', 'lambda:*', 'cloudwatch:*', 'logs:*']},
        {'Effect': 'Deny', 'Action': 'sts:*'},
        {'Effect': 'Allow'},
        {'Effect': 'Allow', 'Action': []},
        {'Effect': 'Allow', 'Action': 'ec2:describe?nstances'},
        {'Effect': 'Allow', 'Action': 'dynamodb:[GP]utItem'},
        {'Effect': 'Allow', 'Action': 5},
        {'Effect': 'Allow', 'Action': [5]},
        {'Effect': 'Allow', 'Action': 'nocolon'},
        {'Action': 's3:GetObject'},
    ]
    policies = [{'Statement': s} for s in statements] + [
        {'Statement': statements[:4]},
        {'Statement': [statements[5], statements[1]]},
        {'Version': '2012-10-17'},
        {'Statement': 'text'},
        None,
        {'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'NotAction': 'x:*'}]},
    ]
    calls = []
    for s in statements:
        calls.append(('get_actions_from_statement', [s], {}))
        calls.append(('_expand_wildcard_action', [s.get('Action', [])], {}))
        calls.append(('minimize_statement_actions', [s], {}))
        calls.append(('minimize_statement_actions', [s], {'minchars': 3}))
    for p in policies:
        calls.append(('expand_policy', [p], {}))
        calls.append(('expand_policy', [p], {'expand_deny': True}))
    calls += [
        ('categories_for_actions', [['s3:getobject', 'iam:passrole', 'corp:x', 'iam:listroles']], {}),
        ('categories_for_actions', [[]], {}),
        ('categories_for_actions', [['noservice']], {}),
        ('actions_for_category', ['Permissions'], {}),
        ('actions_for_category', ['Nope'], {}),
        ('translate_aws_action_groups', [['ReadWrite', 'Tagging']], {}),
        ('translate_aws_action_groups', [['ListOnly', 'ReadOnly']], {}),
        ('translate_aws_action_groups', [[]], {}),
        ('translate_aws_action_groups', ['ReadOnlyish'], {}),
        ('_get_prefixes_for_action', ['iam:cat'], {}),
        ('_get_prefixes_for_action', ['iam'], {}),
        ('_get_prefixes_for_action', ['a:b:c'], {}),
        ('_expand', ['s3:Put*'], {}),
        ('_expand', ['nosuch:*'], {}),
        ('_invert_actions', [['s3:getobject']], {}),
        ('build_service_actions_from_service_data',
         [{'svc': {'prefix': 'Svc', 'actions': {'DoThing': {}, 'ÄCTION': {}}}}], {}),
        ('build_action_categories_from_service_data',
         [{'svc': {'prefix': 'svc', 'actions': {'DoThing': {'calculated_action_group': 'Write'},
                                                 'Other': {'calculated_action_group': 5}}}}], {}),
        ('build_action_categories_from_service_data', [{'svc': {'prefix': 'svc', 'actions': {'X': {}}}}], {}),
        ('expand_minimize_over_policies', [{'rolepolicies': {'r1': {'Statement': [statements[0]]}}}, 'expand_policy'], {}),
        ('expand_minimize_over_policies', [{'Statement': [statements[2]]}, 'expand_policy'], {'expand_deny': True}),
    ]
    modules = {'categories_for_actions': ac, 'actions_for_category': ac, 'translate_aws_action_groups': ac,
               'build_action_categories_from_service_data': ac,
               'build_service_actions_from_service_data': act}
    cases = []
    for name, args, kwargs in calls:
        fn = getattr(modules.get(name, em), name)
        real = list(args)
        if name == 'expand_minimize_over_policies':
            real[1] = getattr(em, args[1])
        if name == '_invert_actions':
            real[0] = set(args[0])
        try:
            with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):
                got = fn(*real, **kwargs)
            outcome = repr(got)
            printed = out.getvalue()
        except Exception as exc:  # noqa: BLE001
            outcome = err(exc)
            printed = ''
        if len(outcome) > 200000:
            outcome = 'len:%d:%s' % (len(got), repr(sorted(got)[:50] if isinstance(got, (set, list)) else None))
        cases.append({'fn': name, 'args': args, 'kwargs': kwargs, 'outcome': outcome, 'printed': printed})
    return {'data': reduced, 'cases': cases}


if __name__ == '__main__':
    which = sys.argv[1]
    print(json.dumps(botocore_cases() if which == 'botocore' else policyuniverse_cases()))

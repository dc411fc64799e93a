import json

from policyuniverse.arn import ARN
from policyuniverse.policy import Policy

from pypanther import LogType, Rule, RuleTest, Severity


class CloudPolicyExposure(Rule):
    # Exercises policyuniverse (compiled from its installed source): statements, principals,
    # condition entries (namedtuples), ARN parsing and organization checks.
    id = "Cloud.Policy.Exposure"
    log_types = [LogType.AWS_CLOUDTRAIL]
    default_severity = Severity.HIGH

    def document(self, event):
        doc = event.get("document")
        if isinstance(doc, str):
            return json.loads(doc)
        return doc

    def rule(self, event):
        return Policy(self.document(event)).is_internet_accessible()

    def title(self, event):
        policy = Policy(self.document(event))
        return f"{len(policy.statements)} statements, principals {sorted(policy.principals)}"

    def alert_context(self, event):
        policy = Policy(self.document(event))
        entries = []
        for statement in policy.statements:
            for entry in statement.condition_entries:
                entries.append([entry.category, entry.value, repr(entry), entry == (entry[0], entry[1])])
        arns = {}
        for p in sorted(policy.principals):
            a = ARN(p)
            arns[p] = [a.error, a.tech, a.account_number, a.service, a.root, a.name]
        return {
            "entries": entries,
            "arns": arns,
            "effects": [s.effect for s in policy.statements],
            "open": [s.is_internet_accessible() for s in policy.statements],
        }

    tests = [
        RuleTest(
            name="star principal",
            expected_result=True,
            log={"document": {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}}},
        ),
        RuleTest(
            name="account principal",
            expected_result=False,
            log={"document": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}},
        ),
        RuleTest(
            name="wildcard account in arn",
            expected_result=True,
            log={"document": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::*:role/x", "111122223333"]}}]}},
        ),
        RuleTest(
            name="service principal",
            expected_result=False,
            log={"document": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}]}},
        ),
        RuleTest(
            name="deny is never open",
            expected_result=False,
            log={"document": {"Statement": [{"Effect": "Deny", "Principal": "*"}]}},
        ),
        RuleTest(
            name="org condition",
            expected_result=False,
            log={
                "document": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
                        },
                    ],
                },
            },
        ),
        RuleTest(
            name="wildcard org condition",
            expected_result=True,
            log={
                "document": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Condition": {"StringLike": {"aws:PrincipalOrgID": ["o-*", "o-def"]}},
                        },
                    ],
                },
            },
        ),
        RuleTest(
            name="unparsable org",
            expected_result=False,
            log={
                "document": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "bogus"}},
                        },
                    ],
                },
            },
        ),
        RuleTest(
            name="cidr and userid conditions",
            expected_result=True,
            log={
                "document": '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/0"]}, "StringLike": {"aws:userid": "AROAEXAMPLE:*"}, "StringNotEquals": {"aws:SourceVpc": "vpc-1"}}}]}',
            },
        ),
        RuleTest(
            name="negated condition only",
            expected_result=True,
            log={
                "document": {
                    "Statement": [
                        {"Effect": "Allow", "Principal": "*", "Condition": {"StringNotLike": {"aws:SourceArn": "x"}}},
                    ],
                },
            },
        ),
        RuleTest(
            name="source arn condition",
            expected_result=False,
            log={
                "document": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic"}},
                        },
                    ],
                },
            },
        ),
        RuleTest(
            name="not principal",
            expected_result=True,
            log={"document": {"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}}]}},
        ),
        RuleTest(
            name="unparsable principal with star",
            expected_result=True,
            log={"document": {"Statement": [{"Effect": "Allow", "Principal": "someone*"}]}},
        ),
        RuleTest(name="no statements", expected_result=False, log={"document": {}}),
        RuleTest(name="statement is text", expected_result=False, log={"document": {"Statement": ["oops"]}}),
        RuleTest(
            name="numeric principal",
            expected_result=False,
            log={"document": {"Statement": [{"Effect": "Allow", "Principal": 123456789012}]}},
        ),
    ]

from corp_utils import deep_get

APPROVED_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def policy(resource):
    rules = deep_get(resource, "EncryptionRules", default=[])
    if not rules:
        return False
    algorithms = [deep_get(rule, "ApplyServerSideEncryptionByDefault", "SSEAlgorithm", default="") for rule in rules]
    return all(algorithm in APPROVED_ALGORITHMS for algorithm in algorithms)


def title(resource):
    return f"S3 bucket {resource['Name']} is not encrypted with KMS"


def alert_context(resource):
    return {"rules": deep_get(resource, "EncryptionRules", default=[]), "region": resource.get("Region")}

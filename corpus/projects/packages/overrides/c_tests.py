"""Runs last: tests for the managed rules the team keeps."""

from pypanther import RuleTest


def cloudtrail(event_name, **extra):
    log = {
        "eventName": event_name,
        "eventSource": "s3.amazonaws.com",
        "p_log_type": "AWS.CloudTrail",
        "recipientAccountId": "111122223333",
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/Deployer/session-7"},
    }
    log.update(extra)
    return log


def apply_overrides(rules):
    by_id = {rule.id: rule for rule in rules}
    bucket = by_id.get("AWS.S3.BucketDeleted-prototype")
    if bucket is not None:
        bucket.extend(
            tests=[
                RuleTest(name="bucket deleted by a role", expected_result=True, log=cloudtrail("DeleteBucket")),
                RuleTest(
                    name="policy deleted, call failed",
                    expected_result=False,
                    log=cloudtrail("DeleteBucketPolicy", errorCode="AccessDenied"),
                ),
            ]
        )

from corp.accounts import is_break_glass, owner_of
from pypanther import LogType, Rule, RuleMock, RuleTest, Severity
from pypanther.helpers.aws import aws_cloudtrail_success


def trail_log(event_name, arn="arn:aws:iam::111122223333:user/alice", **extra):
    log = {
        "eventName": event_name,
        "eventSource": "cloudtrail.amazonaws.com",
        "recipientAccountId": "111122223333",
        "userIdentity": {"type": "IAMUser", "arn": arn},
    }
    log.update(extra)
    return log


class TrailChanged(Rule):
    id = "Corp.AWS.TrailChanged"
    log_types = [LogType.AWS_CLOUDTRAIL]
    default_severity = Severity.HIGH
    display_name = "CloudTrail changed"
    WATCHED = ("StopLogging", "DeleteTrail", "UpdateTrail")

    def rule(self, event):
        if not aws_cloudtrail_success(event):
            return False
        if is_break_glass(event.deep_get("userIdentity", "arn")):
            return False
        return event.get("eventName") in self.WATCHED

    def title(self, event):
        owner = owner_of(event.get("recipientAccountId"))
        return f"{event.get('eventName')} in the {owner} account"

    tests = [
        RuleTest(name="trail stopped", expected_result=True, log=trail_log("StopLogging")),
        RuleTest(
            name="break glass allowed",
            expected_result=False,
            log=trail_log("StopLogging", arn="arn:aws:iam::111122223333:user/break-glass"),
        ),
        RuleTest(
            name="failed call",
            expected_result=False,
            log=trail_log("DeleteTrail", errorCode="AccessDenied"),
        ),
        RuleTest(
            name="owner mocked where the rule reads it",
            expected_result=True,
            log=trail_log("UpdateTrail"),
            mocks=[RuleMock(object_name="owner_of", return_value="mocked")],
            expected_title="UpdateTrail in the mocked account",
        ),
    ]

from botocore.exceptions import BotoCoreError, ClientError, NoRegionError
from panther_detection_helpers.caching import (
    add_to_string_set,
    check_account_age,
    get_counter,
    increment_counter,
)

from pypanther import LogType, Rule, RuleTest, Severity


class KvStoreWithoutAws(Rule):
    # The caching helpers without mocks, as `pypanther test` runs them with no AWS
    # configuration (panther-detection-helpers 1.x: the expiry is computed before the store).
    id = "Cloud.KvStore.WithoutAws"
    log_types = [LogType.AWS_CLOUDTRAIL]
    default_severity = Severity.LOW

    def attempt(self, fn, *args, **kwargs):
        try:
            return repr(fn(*args, **kwargs))
        except NoRegionError as err:
            return f"no region: {err} {isinstance(err, BotoCoreError)}"
        except ClientError as err:
            return f"client error: {err}"
        except (TypeError, ValueError) as err:
            return f"{err!r}"

    def rule(self, event):
        return event.get("eventName") == "ConsoleLogin"

    def title(self, event):
        return self.attempt(increment_counter, f"logins:{event.get('user')}")

    def alert_context(self, event):
        user = event.get("user")
        return {
            "counter": self.attempt(get_counter, user),
            "bad_expiry": self.attempt(increment_counter, user, epoch_seconds="soon"),
            "no_expiry": self.attempt(increment_counter, user, epoch_seconds=None),
            "empty_set": self.attempt(add_to_string_set, user, []),
            "set_bad_expiry": self.attempt(add_to_string_set, user, ["a"], "later"),
            "account_age": self.attempt(check_account_age, user),
            "no_account": self.attempt(check_account_age, ""),
        }

    tests = [
        RuleTest(name="login", expected_result=True, log={"eventName": "ConsoleLogin", "user": "alice"}),
        RuleTest(name="other", expected_result=False, log={"eventName": "GetObject", "user": "bob"}),
    ]

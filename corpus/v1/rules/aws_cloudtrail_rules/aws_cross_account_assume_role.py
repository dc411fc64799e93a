TRUSTED_ACCOUNTS = ("111111111111", "222222222222")


def _account_of(arn):
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 5 else ""


def rule(event):
    if event.get("eventName") != "AssumeRole":
        return False
    caller = _account_of(event.deep_get("userIdentity", "arn"))
    target = _account_of(event.deep_get("requestParameters", "roleArn"))
    if not caller or not target:
        return False
    return caller != target and caller not in TRUSTED_ACCOUNTS


def title(event):
    caller_account = target_account = "unknown"
    role_name = "?"
    role_arn = event.deep_get("requestParameters", "roleArn", default="")
    if role_arn.count(":") >= 5:
        _, _, _, _, target_account, resource = role_arn.split(":", 5)
        role_name = resource.split("/")[-1]
    caller_account = _account_of(event.deep_get("userIdentity", "arn")) or caller_account
    return f"Account {caller_account} assumed role {role_name} in {target_account}"


def alert_context(event):
    return {
        "session": event.deep_get("requestParameters", "roleSessionName"),
        "duration": event.deep_get("requestParameters", "durationSeconds", default=3600),
    }

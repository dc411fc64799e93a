MIN_LENGTH = 14


def policy(resource):
    length = resource.get("MinimumPasswordLength", 0)
    reuse = resource.get("PasswordReusePrevention") or 0
    return (
        MIN_LENGTH <= length <= 128
        and resource.get("RequireSymbols") is True
        and resource.get("RequireNumbers") is True
        and 0 < resource.get("MaxPasswordAge", 0) <= 90
        and reuse >= 12
    )


def title(resource):
    return f"Password policy of account {resource.get('AccountId')} is weaker than the corp baseline"


def alert_context(resource):
    keys = sorted(key for key in resource.keys() if key.startswith("Require"))
    return {key: resource[key] for key in keys}

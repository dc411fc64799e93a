STATUS_CODE_PATH = ("protoPayload", "status", "code")


def rule(event):
    method = event.deep_get("protoPayload", "methodName", default="")
    return method.endswith("CreateServiceAccountKey") and event.deep_get(*STATUS_CODE_PATH, default=0) == 0


def _service_account(event):
    # projects/<project>/serviceAccounts/<email>
    name = event.deep_get("protoPayload", "request", "name", default="")
    return name.rsplit("/", 1)[-1]


def title(event):
    email = _service_account(event)
    account, domain = email.split("@", 1) if "@" in email else (email, "")
    project = domain.split(".", 1)[0] or "unknown-project"
    return f"Key created for service account {account} in {project} by {event.udm('actor_user')}"


def alert_context(event):
    name = event.deep_get("protoPayload", "request", "name", default="")
    key_name = event.deep_get("protoPayload", "response", "name", default="")
    cut = name.find("/serviceAccounts")
    return {
        "project_path": name[:cut] if cut >= 0 else name,
        "key_id_suffix": key_name[-8:],
        "key_prefix": key_name[:12],
    }

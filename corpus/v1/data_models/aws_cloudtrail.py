from corp_utils import deep_get


def get_actor_user(event):
    identity_type = deep_get(event, "userIdentity", "type", default="")
    if identity_type == "Root":
        return "root"
    if identity_type == "IAMUser":
        return deep_get(event, "userIdentity", "userName")
    if identity_type == "AssumedRole":
        issuer = deep_get(event, "userIdentity", "sessionContext", "sessionIssuer", "userName")
        session = deep_get(event, "userIdentity", "arn", default="").split("/")[-1]
        return f"{issuer}/{session}" if issuer else session
    return deep_get(event, "userIdentity", "invokedBy", default="unknown")

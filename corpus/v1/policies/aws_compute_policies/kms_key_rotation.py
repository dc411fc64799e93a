def policy(resource):
    if resource.get("KeyManager") == "AWS" or resource.get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
        return True
    return resource.get("KeyRotationEnabled") is not False and resource.get("KeyRotationEnabled") is not None


def title(resource):
    alias = (resource.get("Aliases") or ["alias/<none>"])[0]
    return f"Customer KMS key {resource.get('KeyId')} ({alias}) does not rotate"

REQUIRED_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


def policy(resource):
    block = resource.get("PublicAccessBlockConfiguration") or {}
    return all([block.get(flag) is True for flag in REQUIRED_FLAGS])


def title(resource):
    block = resource.get("PublicAccessBlockConfiguration") or {}
    missing = [flag for flag in REQUIRED_FLAGS if block.get(flag) is not True]
    return f"Bucket {resource.get('Name')} lacks {len(missing)} public access block flag(s): {', '.join(missing)}"

PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}
PUBLIC_CANNED_ACLS = ("public-read", "public-read-write", "authenticated-read")


def _grantee_uris(event):
    found = event.deep_walk(
        "requestParameters", "AccessControlPolicy", "AccessControlList", "Grant", "Grantee", "URI", default=[]
    )
    return {found} if isinstance(found, str) else set(found)


def rule(event):
    if event.get("eventName") != "PutBucketAcl":
        return False
    if event.deep_get("requestParameters", "x-amz-acl") in PUBLIC_CANNED_ACLS:
        return True
    return bool(_grantee_uris(event) & PUBLIC_GRANTEES)


def title(event):
    groups = sorted(uri.rsplit("/", 1)[-1] for uri in _grantee_uris(event) & PUBLIC_GRANTEES)
    bucket = event.deep_get("requestParameters", "bucketName")
    return f"Bucket {bucket} made public ({', '.join(groups) or 'canned ACL'})"


def alert_context(event):
    return {
        "grantees": sorted(_grantee_uris(event)),
        "canned_acl": event.deep_get("requestParameters", "x-amz-acl"),
    }

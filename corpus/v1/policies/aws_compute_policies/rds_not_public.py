def policy(resource):
    return not resource.get("PubliclyAccessible", False)


def title(resource):
    endpoint = resource.get("Endpoint") or {}
    return f"RDS instance {resource.get('DBInstanceIdentifier')} is reachable at {endpoint.get('Address')}:{endpoint.get('Port')}"


def severity(resource):
    return "Critical" if resource.get("Engine", "").startswith(("postgres", "mysql")) and not resource.get("StorageEncrypted") else "High"

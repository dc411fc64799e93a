def policy(resource):
    if "LogFileValidationEnabled" not in resource:
        return False
    return all(
        [
            resource["LogFileValidationEnabled"],
            resource.get("IsMultiRegionTrail", False) or resource.get("HomeRegion") == "us-east-1",
        ]
    )


def title(resource):
    return f"CloudTrail {resource.get('Name')} lacks log file validation or multi-region coverage"

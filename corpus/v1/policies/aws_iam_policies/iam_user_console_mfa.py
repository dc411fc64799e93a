def policy(resource):
    report = resource["CredentialReport"]
    if report["PasswordEnabled"] is False:
        return True
    return report.get("MfaActive", False) is True


def title(resource):
    return f"IAM user {resource['UserName']} can sign in to the console without MFA"


def severity(resource):
    return "High" if "Admins" in resource.get("Groups", []) else "DEFAULT"

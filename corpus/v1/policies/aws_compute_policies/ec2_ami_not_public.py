def policy(resource):
    return resource.get("Public") is not True


def title(resource):
    return f"AMI {resource.get('ImageId')} ({resource.get('Name', 'unnamed')}) is shared publicly"

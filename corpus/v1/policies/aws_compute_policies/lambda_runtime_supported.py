import re

RUNTIME = re.compile(r"^(?P<language>[a-z]+?)(?P<version>\d+(?:\.\d+)*)(?:\.x)?$")
MINIMUM_VERSIONS = {"python": (3, 9), "nodejs": (18,), "java": (11,), "ruby": (3, 2)}


def _parsed(resource):
    match = RUNTIME.match(resource.get("Runtime") or "")
    if match is None:
        return None, ()
    version = tuple(int(part) for part in match.group("version").split("."))
    return match.group("language"), version


def policy(resource):
    language, version = _parsed(resource)
    if language not in MINIMUM_VERSIONS:
        return True  # container images and custom runtimes are out of scope
    return version >= MINIMUM_VERSIONS[language]


def title(resource):
    language, version = _parsed(resource)
    minimum = ".".join(str(part) for part in MINIMUM_VERSIONS.get(language, ()))
    return f"Lambda {resource.get('FunctionName')} runs {language} {version} (minimum {minimum})"

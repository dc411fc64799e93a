"""A package whose submodules detections import as `import corp.geo` (binding `corp`)."""

ORDER = ["corp"]

# Importing `corp.geo` replaces this global with the submodule, as CPython sets a package's
# attribute when one of its submodules finishes importing.
geo = "a plain string until corp.geo is imported"


def describe():
    return type(geo).__name__ if isinstance(geo, str) else "the submodule"

def depth_reached(n=0):
    """How many more frames fit on the stack before Python's recursion limit."""
    try:
        return depth_reached(n + 1)
    except RecursionError:
        return n


# Imported by a detection module for the first time: the import machinery's frames count.
HELPER_DEPTH = depth_reached()

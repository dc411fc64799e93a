def rule(event):
    return bool(True)

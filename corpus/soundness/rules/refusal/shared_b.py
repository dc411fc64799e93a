from sound_counter import record


def rule(event):
    return record("b") > 0

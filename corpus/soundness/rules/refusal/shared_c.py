from sound_refuse import guarded


def rule(event):
    return guarded is not None

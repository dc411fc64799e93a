"""Module state shared by the detections that import it: after a refusal in one of them,
the others cannot know it any more."""

CALLS = []


def record(name):
    CALLS.append(name)
    return len(CALLS)

def rule(event):
    labels = event.get("labels")
    # Python looks `startswith` up before it evaluates the argument: with neither key present
    # the error is the AttributeError on None, not the KeyError of event["prefix"].
    return labels.startswith(event["prefix"].lower())


def title(event):
    return f"Label {event.get('labels')} matches"

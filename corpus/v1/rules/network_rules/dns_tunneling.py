from corp_utils import decode_token

MIN_LONG_LABEL = 40
MAX_DIGIT_RATIO = 0.3


def _labels(event):
    return [label for label in event.get("query", "").rstrip(".").split(".") if label]


def _stats(event):
    labels = _labels(event)
    subdomain = labels[:-2]
    characters = "".join(subdomain)
    digits = sum(1 for char in characters if char.isdigit())
    return {
        "labels": len(labels),
        "longest": max([len(label) for label in labels] or [0]),
        "shortest": min([len(label) for label in labels] or [0]),
        "digit_ratio": round(digits / max(1, len(characters)), 2),
        "zone": ".".join(labels[-2:]),
    }


def rule(event):
    if len(_labels(event)) < 3:
        return False
    stats = _stats(event)
    if stats["longest"] >= MIN_LONG_LABEL:
        return True
    return event.get("record_type") == "TXT" and stats["digit_ratio"] > MAX_DIGIT_RATIO


def title(event):
    stats = _stats(event)
    return (
        f"Possible DNS tunnel to {stats['zone']} from {event.get('client_ip')} "
        f"(longest label {stats['longest']}, digit ratio {stats['digit_ratio']})"
    )


def dedup(event):
    return _stats(event)["zone"]


def alert_context(event):
    context = _stats(event)
    context["decoded_first_label"] = decode_token(_labels(event)[0], encoding="base32")
    context["domains"] = event.get("p_any_domain_names", [])
    return context

import json

DEFAULT_FIELDS = {"role", "mfa_required", "email"}
FIELD_WEIGHTS = {"role": 5, "mfa_required": 4, "email": 2, "phone": 1}


def rule(event):
    watched = set(event.get("watched_fields", [])) | DEFAULT_FIELDS

    def touched(change):
        return change.get("field") in watched and change.get("old") != change.get("new")

    return any(touched(change) for change in event.get("changes", []))


def _summary(event):
    before = after = None
    fields = []
    score = 0
    for change in event.get("changes", []):
        if change.get("old") == change.get("new"):
            continue
        fields.append(change.get("field"))
        score += FIELD_WEIGHTS.get(change.get("field"), 0)
        if change.get("field") == "role":
            before, after = change.get("old"), change.get("new")
    return fields, score, before, after


def title(event):
    fields, score, before, after = _summary(event)
    role_part = f", role {before} -> {after}" if before is not None or after is not None else ""
    return f"{event.get('admin')} edited {', '.join(fields)} of {event.get('target')} (score {score}{role_part})"


def alert_context(event):
    fields, score, _, _ = _summary(event)
    weights = {field: FIELD_WEIGHTS[field] for field in fields if field in FIELD_WEIGHTS}
    context = {"weights": weights}
    context.update({"score": score})
    context["unweighted"] = [field for field in fields if field not in weights]
    context["fields_json"] = json.dumps(sorted(fields))
    context["weights_json"] = json.dumps(weights, sort_keys=True)
    return context

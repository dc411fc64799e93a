SINK_METHODS = {
    "google.logging.v2.ConfigServiceV2.UpdateSink",
    "google.logging.v2.ConfigServiceV2.DeleteSink",
}


def rule(event):
    return event.udm("event_type") in SINK_METHODS


def title(event):
    verb = event.udm("event_type").rsplit(".", 1)[-1].replace("Sink", "d sink").lower()
    return f"{event.udm('actor_user')} {verb} {event.deep_get('protoPayload', 'resourceName')}"


def alert_context(event):
    common = {"actor": event.udm("actor_user"), "ip": event.udm("source_ip")}
    sink = {
        "sink": event.deep_get("protoPayload", "resourceName"),
        "destination": event.deep_get("protoPayload", "request", "sink", "destination"),
        "ip": event.deep_get("protoPayload", "requestMetadata", "callerIp", default="n/a"),
    }
    return {**common, **sink, "method": event.udm("event_type").rsplit(".", 1)[-1]}

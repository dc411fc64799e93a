from pypanther import DataModel, DataModelMapping, LogType


def corp_source_ip(event):
    return event.get("corp", {}).get("ip", "0.0.0.0")


class CorpOktaSystemLog(DataModel):
    id = "Corp.Okta.SystemLog"
    display_name = "Corp Okta System Log"
    enabled = True
    log_types = [LogType.OKTA_SYSTEM_LOG]
    mappings = [
        DataModelMapping(name="actor_user", path="$.corp.user"),
        DataModelMapping("source_ip", method=corp_source_ip),
        DataModelMapping(name="event_type", path="eventType"),
    ]


# DataModel.__init__ runs at import: each mapping has a name and a path or a method.
CHECKED = CorpOktaSystemLog()

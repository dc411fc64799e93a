from pypanther.base import DataModel, DataModelMapping

from pypanther.helpers.demo_util import shout


def flow_direction(event):
    if event.get("dst_port", 0) < 1024:
        return "inbound-service"
    return "outbound" if event.deep_get("meta", "egress") else "unknown"


def loud_actor(event):
    return shout(event.get("actor", "nobody"))


class DemoNetFlow(DataModel):
    id: str = "Demo.NetFlow"
    display_name: str = "Demo network flows"
    enabled: bool = True
    log_types: list[str] = ["Demo.NetFlow"]
    mappings: list[DataModelMapping] = [
        DataModelMapping(name="source_ip", path="src"),
        DataModelMapping(name="destination_port", path="$.dst_port"),
        DataModelMapping(name="actor_user", path="$.identity.user.name"),
        DataModelMapping(name="direction", method=flow_direction),
        DataModelMapping("loud_actor", None, loud_actor),
    ]

from pypanther.base import DataModel, DataModelMapping, LogType
from pypanther.helpers.demo_sso import first_present


def sign_in_result(event):
    verdict = event.get("verdict", "")
    if verdict == "granted":
        return "success"
    if verdict:
        return "failure"
    return None


class DemoSsoModel(DataModel):
    id: str = "Demo.Sso"
    display_name: str = "Demo single sign-on"
    enabled: bool = True
    log_types: list[str] = [LogType.DUO_AUTHENTICATION]
    mappings: list[DataModelMapping] = [
        DataModelMapping(name="result", method=sign_in_result),
        DataModelMapping(name="source_ip", path="$.client.addr"),
        DataModelMapping(name="device", path="device_name"),
        DataModelMapping(name="factor", path="$.steps[*].checks[?(@.kind == 'factor')].detail"),
        DataModelMapping(name="who", method=first_present),
    ]

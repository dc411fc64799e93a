from botocore import exceptions as boto_exceptions
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, UnknownEndpointError


def _error(event):
    return ClientError(
        {
            "Error": {"Code": event.get("code", "AccessDenied"), "Message": event.get("message", "denied")},
            "ResponseMetadata": event.get("metadata", {}),
        },
        event.get("operation", "GetObject"),
    )


def rule(event):
    try:
        raise _error(event)
    except ClientError as err:
        return err.response["Error"]["Code"] in ("AccessDenied", "UnauthorizedOperation")


def title(event):
    try:
        raise _error(event)
    except Exception as err:
        return str(err)


def _describe(fn):
    try:
        fn()
    except ValueError as err:
        return f"ValueError {err!r}"
    except BotoCoreError as err:
        return f"BotoCoreError {err!r} {err.args}"
    except TypeError as err:
        return f"TypeError {err}"
    except KeyError as err:
        return f"KeyError {err}"
    return "no error"


def _raise_no_credentials():
    raise NoCredentialsError()


def _raise_endpoint():
    raise UnknownEndpointError(service_name="s3", region_name="mars-1")


def _raise_endpoint_missing_kwarg():
    raise UnknownEndpointError(service_name="s3")


def _raise_positional():
    raise boto_exceptions.ProfileNotFound("default")


def alert_context(event):
    err = _error(event)
    return {
        "repr": repr(err),
        "args": list(err.args),
        "operation": err.operation_name,
        "is_client_error": isinstance(err, ClientError),
        "is_botocore_error": isinstance(err, BotoCoreError),
        "is_exception": isinstance(err, Exception),
        "no_credentials": _describe(_raise_no_credentials),
        "unknown_endpoint": _describe(_raise_endpoint),
        "missing_kwarg": _describe(_raise_endpoint_missing_kwarg),
        "positional": _describe(_raise_positional),
        "profile": str(boto_exceptions.ProfileNotFound(profile="dev")),
    }

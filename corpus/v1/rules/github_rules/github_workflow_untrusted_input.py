import re

UNTRUSTED_EXPRESSION = re.compile(
    r"\$\{\{\s*github\.event\.(?:issue|pull_request|comment|review)\.(?:title|body)\s*\}\}", re.I
)
RUN_WITH_EXPRESSION = re.compile(r"^\s*-?\s*run:\s*(?=.*\$\{\{)(.*)$", re.MULTILINE)


def _dangerous_lines(event):
    content = event.get("workflow_content") or ""
    return [line.strip() for line in RUN_WITH_EXPRESSION.findall(content) if UNTRUSTED_EXPRESSION.search(line)]


def rule(event):
    return event.get("action") == "workflow_file.update" and len(_dangerous_lines(event)) > 0


def title(event):
    return (
        f"Workflow {event.get('workflow_path', '?')} in {event.udm('repository')} "
        "interpolates untrusted input into a shell step"
    )


def alert_context(event):
    content = event.get("workflow_content") or ""
    return {
        "lines": _dangerous_lines(event),
        "expressions": sorted({match.lower() for match in UNTRUSTED_EXPRESSION.findall(content)}),
    }

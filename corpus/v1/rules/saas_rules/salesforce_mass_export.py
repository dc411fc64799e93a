ROW_THRESHOLD = 10000


def _rows(event):
    try:
        return int(event.get("rows_processed", 0))
    except ValueError:
        return 0


def rule(event):
    # Salesforce EventLogFile columns are upper-case; event keys are case-insensitive
    return event.get("event_type") == "ReportExport" and _rows(event) >= ROW_THRESHOLD


def title(event):
    return f"{event.get('user_name')} exported {_rows(event):,} rows from report {event.get('report_id')!r}"


def severity(event):
    return "high" if _rows(event) >= 10 * ROW_THRESHOLD else "medium"


def alert_context(event):
    top_reports = sorted(event.get("recent_exports", []), key=lambda item: item.get("rows", 0), reverse=True)
    return {"largest_recent": [item.get("report") for item in top_reports[:3]]}

"""Run with python-dateutil 2.9 installed and TZ=UTC (e.g. /tmp/du/bin/python)."""
from dateutil import parser
from common import table, outcome

cases = ['2020-01-02T03:04:05Z', '2020-01-02T03:04:05+00:00', '2020-01-02T03:04:05+01:00',
         '2020-01-02T03:04:05.1234567-0800', '2020-01-02 03:04', '2020-01-02', '2020-01-02T03:04:05+05',
         '2020-01-02T03:04:05.1Z', '1999-12-31 23:59:59-05:30']
rows = [(s, outcome(lambda s=s: (lambda d: (d, d.tzname(), str(d)))(parser.parse(s)))) for s in cases]
print(table('DATEUTIL_CASES', rows))

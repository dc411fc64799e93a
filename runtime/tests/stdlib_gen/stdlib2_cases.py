"""Cases for time, uuid, logging, utf-16-le, datetime.timetuple and event_time_epoch.

Run with the panther_core venv, in UTC: TZ=UTC /work/.venv-pat/bin/python stdlib2_cases.py > stdlib2_cases.rs
"""
import logging
import time
import uuid
from datetime import datetime

from panther_core.enriched_event import PantherEvent

from common import table, outcome

rows = []


def add(op, a, b, f):
    rows.append((op, a, b, outcome(f)))


uuids = ['12345678-1234-5678-1234-567812345678', '{12345678-1234-5678-1234-567812345678}',
         'urn:uuid:12345678-1234-4678-9234-567812345678', '12345678123456781234567812345678',
         'ABCDEF00-0000-4000-8000-000000000000', '0x345678123456781234567812345678', '+2345678123456781234567812345678',
         ' 2345678123456781234567812345678', '\x0b2345678123456781234567812345678', '\x1c2345678123456781234567812345678',
         '_2345678123456781234567812345678', '0x_45678123456781234567812345678', '1234567812345678123456781234567_',
         '12345678123456781234567812345_78', '1234567812345678123456781234__78', 'zz345678123456781234567812345678',
         '1234', '', 'not-a-uuid', '12345678-1234-5678-1234-56781234567', '{{12345678123456781234567812345678}}',
         '12345678-1234-1678-c234-567812345678', '00000000-0000-0000-0000-000000000000']
for u in uuids:
    add('uuid', u, '', lambda u=u: (lambda x: (str(x), x.hex, x.version, repr(x)))(uuid.UUID(u)))

add('uuid_eq', uuids[0], uuids[1], lambda: (uuid.UUID(uuids[0]) == uuid.UUID(uuids[1]),
                                           uuid.UUID(uuids[0]) == uuids[0], uuid.UUID(uuids[0]) < uuid.UUID(uuids[2])))
add('uuid_lt_str', uuids[0], '', lambda: uuid.UUID(uuids[0]) < uuids[0])

stamps = ['0', '1704164645', '-1', '-1.5', '1.999', '253402300799', '-62135596800', '951782400', '1e9']
fmts = ['%Y-%m-%d', '%H:%M:%S', '%a %A %b %B %j %y %p %I %%']
for s in stamps:
    n = float(s) if any(c in s for c in '.e') else int(s)
    add('gmtime', s, '', lambda n=n: time.gmtime(n))
    add('gmtime_zone', s, '', lambda n=n: (time.gmtime(n).tm_zone, time.gmtime(n).tm_gmtoff))
    for f in fmts:
        add('strftime', s, f, lambda n=n, f=f: time.strftime(f, time.gmtime(n)))
add('gmtime_nan', '', '', lambda: time.gmtime(float('nan')))
add('gmtime_str', '', '', lambda: time.gmtime('1'))

for s in ['2024-01-02T03:04:05', '2024-02-29T23:59:59+05:30', '2023-12-31T00:00:00+00:00', '0001-01-01T00:00:00']:
    add('timetuple', s, '', lambda s=s: datetime.fromisoformat(s).timetuple())
    add('timetuple_zone', s, '', lambda s=s: (datetime.fromisoformat(s).timetuple().tm_zone,))

hexes = ['680069002100', '61', '00dc', '00d86100', '00d8', '00d861', '610000d800dc', '00d800d8', '00dc61', '',
         '3d00d8d93dde']
for h in hexes:
    add('utf16le', h, '', lambda h=h: bytes.fromhex(h).decode('utf-16-le'))
    add('utf16le_alias', h, '', lambda h=h: bytes.fromhex(h).decode('UTF_16LE'))
for h in hexes + ['fffe61', 'feff0061d800', 'fffe6100', '6100', 'feff0061', 'fffe00dc', 'ff', 'fffefffe']:
    add('utf16', h, '', lambda h=h: bytes.fromhex(h).decode('utf-16'))
    add('utf16be', h, '', lambda h=h: bytes.fromhex(h).decode('utf-16-be'))

times = ['2024-01-02 03:04:05.000', '2024-03-10T12:00:00Z', '2024-03-10T12:00:00+02:00', '2024-03-10', '',
         '2024-01-02T03:04', '2024-01-02 03:04:05.123456789', '1969-12-31 23:59:59.5', '1969-12-31 23:59:58.5']
for t in times:
    add('event_time_epoch', t, '', lambda t=t: PantherEvent({'p_event_time': t}).event_time_epoch())
add('event_time_epoch_missing', '', '', lambda: PantherEvent({}).event_time_epoch())
add('event_time_epoch_int', '', '', lambda: PantherEvent({'p_event_time': 5}).event_time_epoch())

# mktime and %s read the local zone, which the oracle machines (and CI) keep at UTC.
stamps = ['2023-06-12T03:53:51', '1969-12-31T23:00:05', '2024-02-29T12:00:00+05:00', '0001-01-01T00:00:00',
          '9999-12-31T23:59:59', '2038-01-19T03:14:08', '2024-03-10T02:30:00-08:00']
for t in stamps:
    add('mktime', t, '', lambda t=t: time.mktime(datetime.fromisoformat(t).timetuple()))
    add('strftime_s', t, '', lambda t=t: datetime.fromisoformat(t).strftime('%s'))
add('mktime_gmtime', '1700000000', '', lambda: time.mktime(time.gmtime(1700000000)))

add('logging', 'corp', '', lambda: (logging.getLogger('corp').debug('x %s', 1), logging.getLogger('corp').info('y')))
add('logging_module', '', '', lambda: (logging.debug('x %s', 1), logging.info('y %d', 'not a number')))
add('logging_name', 'corp', '', lambda: logging.getLogger('corp').name)
print(table('STDLIB2_CASES', rows))

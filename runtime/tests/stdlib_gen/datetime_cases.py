import json
from datetime import datetime, timedelta, timezone, date
from common import table, outcome, outcome_str

rows = []
def add(op, a, b, f):
    rows.append((op, a, b, outcome_str(lambda: str(f()))))

iso = ['2020-01-02', '2020-01-02T03:04:05', '2020-01-02T03:04:05.123Z', '2020-01-02 03:04:05+05:30',
       '20200102T030405', '2020-W01-1', '2020W011', '2020-W53', '2021-W53-1', '2020-13-01', '2020-02-30', '2020-01-02T25:00', 'x',
       '2020-01-02T03:04:05.1234567', '2020-01-02T03', '2020-01-02T0304', '2020-01-02T03:04:05+0530',
       '2020-01-02T03:04:05-00:00', '2020-01-02T03:04:05.123+05', '2020-01-02T24:00', '2020-01-02X03:04',
       '٢٠٢٠-01-02', '2020-01-02T03:04:05,5', '2020-01-02T03:04:05+05:30:15.5', '2020-0102', '2020-01-02T03:04:5',
       '2020-01-02T03:04:05.', '2020-01-02T03:04:05Z ', '2020-01-02T03:04:05+24:00', '0000-01-01', '2020-01-02T',
       '2020-1-02', '2020-01-02T03:04:05.123abc', '1999-12-31T23:59:59.999999-08:00']
for s in iso:
    add('fromisoformat', s, '', lambda s=s: repr(datetime.fromisoformat(s)))
for s in ['2020-01-02', '20200102', '2020-W01-1', '2020-01-02T00']:
    add('date_fromisoformat', s, '', lambda s=s: repr(date.fromisoformat(s)))
sp = [('2020-01-02 03:04:05', '%Y-%m-%d %H:%M:%S'), ('2020-01-02T03:04:05.123Z', '%Y-%m-%dT%H:%M:%S.%fZ'),
      ('2020-01-02T03:04:05+0100', '%Y-%m-%dT%H:%M:%S%z'), ('2020-01-02T03:04:05Z', '%Y-%m-%dT%H:%M:%S%z'),
      ('2020-01-02T03:04:05+01:30', '%Y-%m-%dT%H:%M:%S%z'), ('02/Jan/2020:03:04:05 +0000', '%d/%b/%Y:%H:%M:%S %z'),
      ('Thu, 02 Jan 2020 03:04:05 GMT', '%a, %d %b %Y %H:%M:%S %Z'), ('2020-01-02', '%Y'), ('x', '%Y'),
      ('2020', '%Y-%m'), ('1/2/20 3:04 PM', '%m/%d/%y %I:%M %p'), ('12:30 am', '%I:%M %p'), ('2020-366', '%Y-%j'),
      ('2020 January 5', '%Y %B %d'), ('2020-02-30', '%Y-%m-%d'), ('2020-01-02', '%Y-%m-%d %H'), ('2020-01-02', '%Q'),
      ('2020-01-02  03', '%Y-%m-%d %H'), ('2020-01-02T03:04:05.5', '%Y-%m-%dT%H:%M:%S.%f'), ('99', '%y'), ('69', '%y'),
      ('2020-01-02 03:04:05 UTC', '%Y-%m-%d %H:%M:%S %Z'), ('2020-01-02 03:04:05 +0000 UTC', '%Y-%m-%d %H:%M:%S %z %Z'),
      ('2020-01-02%', '%Y-%m-%d%%'), ('2020-01-02', '%Y-%m-%d%')]
for s, f in sp:
    add('strptime', s, f, lambda s=s, f=f: repr(datetime.strptime(s, f)))
sf = ['%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S.%fZ', '%a %A %b %B %j %y %p %I %-d %-m %-H %e', '%z|%Z', '%c|%x|%X|%D|%T|%F|%R|%r', '%%|%u|%w|%k|%l|%P|%h']
for d in ['2020-01-02T03:04:05.000123', '2021-12-31T23:59:59+05:30', '0005-03-01T12:00:00Z']:
    for f in sf:
        add('strftime', d, f, lambda d=d, f=f: datetime.fromisoformat(d).strftime(f))
    add('str', d, '', lambda d=d: str(datetime.fromisoformat(d)))
    add('ts', d, '', lambda d=d: repr(datetime.fromisoformat(d).replace(tzinfo=datetime.fromisoformat(d).tzinfo).timestamp()) if datetime.fromisoformat(d).tzinfo else repr(datetime.fromisoformat(d).replace(tzinfo=timezone.utc).timestamp()))
    for spec in ['auto', 'seconds', 'milliseconds', 'minutes', 'hours', 'microseconds']:
        add('iso', d, spec, lambda d=d, spec=spec: datetime.fromisoformat(d).isoformat(timespec=spec))
tds = [{'days': 1, 'seconds': 3600}, {}, {'hours': -1}, {'minutes': 1.5}, {'seconds': 0.5}, {'microseconds': 0.5},
       {'microseconds': 1.5}, {'days': 0.1}, {'weeks': 1, 'milliseconds': 1}, {'days': -1, 'microseconds': 1}, {'hours': 1e-7},
       {'seconds': 1/3}, {'days': 2, 'hours': 49}, {'days': 999999999, 'hours': 24}, {'seconds': -0.0000005}]
for kw in tds:
    add('td', json.dumps(kw), '', lambda kw=kw: '%r | %s | %r' % (timedelta(**kw), timedelta(**kw), timedelta(**kw).total_seconds()))
pairs = [('2020-01-02T03:04:05', '2020-01-01T00:00:00'), ('2020-01-01T00:00:00', '2020-01-02T03:04:05.5'),
         ('2020-01-02T03:04:05+01:00', '2020-01-02T03:04:05Z'), ('2020-01-02T03:04:05', '2020-01-02T03:04:05Z')]
for a, b in pairs:
    add('sub', a, b, lambda a=a, b=b: repr(datetime.fromisoformat(a) - datetime.fromisoformat(b)))
    add('lt', a, b, lambda a=a, b=b: repr(datetime.fromisoformat(a) < datetime.fromisoformat(b)))
    add('eq', a, b, lambda a=a, b=b: repr(datetime.fromisoformat(a) == datetime.fromisoformat(b)))
for d, kw in [('2020-01-31T00:00:00', {'days': 30}), ('2020-03-01T00:00:00', {'days': -1}), ('9999-12-31T00:00:00', {'days': 1}),
              ('2020-01-01T00:00:00+05:00', {'hours': -6})]:
    add('add', d, json.dumps(kw), lambda d=d, kw=kw: repr(datetime.fromisoformat(d) + timedelta(**kw)))
for ts in ['0', '1577934245', '1577934245.123456', '-1.5', '1e11', '1577934245.9999996']:
    add('utcfromtimestamp', ts, '', lambda ts=ts: repr(datetime.utcfromtimestamp(float(ts) if '.' in ts or 'e' in ts else int(ts))))
for args in [[2020, 1, 2], [2020, 1, 2, 3, 4, 5, 6], [2020, 13, 1], [0, 1, 1], [2020, 2, 29, 24], [2021, 2, 29], [2020, 1, 1, 0, 0, 60],
             [2020, 1, 1, 0, 0, 0, 1000000], [2020, 1, 1, 0, 5]]:
    add('ctor', json.dumps(args), '', lambda args=args: repr(datetime(*args)))
for kw, op, other in [({'hours': 1}, '*', '2'), ({'hours': 1}, '*', '1.5'), ({'hours': 1}, '/', '7'), ({'hours': 1}, '//', '7'),
                      ({'hours': 1}, '/', 'td'), ({'hours': 1}, '*', '0.1'), ({'seconds': 1}, '/', '3.0'), ({'days': 1}, '//', 'td')]:
    def f(kw=kw, op=op, other=other):
        a = timedelta(**kw)
        b = timedelta(minutes=7) if other == 'td' else (float(other) if '.' in other else int(other))
        return repr(eval('a %s b' % op))
    add('tdop', json.dumps(kw), op + ' ' + other, f)
print(table('DT_CASES', rows))

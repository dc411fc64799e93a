import ipaddress
from common import table, outcome, outcome_str

ADDR_PROPS = ['version', 'is_private', 'is_global', 'is_reserved', 'is_multicast', 'is_link_local',
              'is_loopback', 'is_unspecified', 'exploded', 'reverse_pointer', 'packed']
NET_PROPS = ['network_address', 'broadcast_address', 'netmask', 'hostmask', 'prefixlen', 'num_addresses',
             'with_netmask', 'is_private', 'is_global', 'is_multicast', 'is_reserved', 'is_link_local',
             'is_loopback']


def desc(obj, props):
    return ' | '.join([repr(obj), str(obj)] + [outcome(lambda p=p: getattr(obj, p)) for p in props])


addrs = ['1.2.3.4', '10.0.0.1', '192.168.1.1', '172.16.5.4', '172.32.0.1', '100.64.0.1', '8.8.8.8',
         '127.0.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1', '169.254.1.1', '240.0.0.1', '192.0.0.171',
         '01.2.3.4', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.a', '1.2.3.1234', '', '1.2.3.4/32', ' 1.2.3.4',
         '::1', '::', '2001:db8::1', 'fe80::1%eth0', '::ffff:1.2.3.4', '::ffff:10.0.0.1', '2606:4700::1111',
         'ff02::1', 'fc00::1', '1:2:3:4:5:6:7:8', '1::2::3', ':1::2', '1:2:3:4:5:6:7:8:9', '1::2:',
         '12345::', 'g::1', '1:0:0:1:0:0:0:1', '0:0:1:0:0:1:0:0', '::1.2.3', '2001:0:4136:e378:8000:63bf:3fff:fdd2',
         'fe80::1%', 'x', '1:2', '1.2.3.-4', '١.2.3.4']
rows = []
for a in addrs:
    rows.append(('ip_address', a, outcome_str(lambda a=a: desc(ipaddress.ip_address(a), ADDR_PROPS))))
for a in ['1.2.3.4', '01.2.3.4', '::1']:
    rows.append(('IPv4Address', a, outcome_str(lambda a=a: desc(ipaddress.IPv4Address(a), ADDR_PROPS))))
    rows.append(('IPv6Address', a, outcome_str(lambda a=a: desc(ipaddress.IPv6Address(a), ADDR_PROPS))))
nets = ['10.0.0.0/8', '10.0.0.1/8', '192.168.0.0/255.255.0.0', '192.168.0.0/0.0.255.255', '1.2.3.4', '1.2.3.0/24',
        '1.2.3.4/33', '1.2.3.4/', '1.2.3.4/x', '1.2.3.0/255.0.255.0', '0.0.0.0/0', '100.64.0.0/10', '1.2.3.4/1/2',
        '2001:db8::/32', '2001:db8::1/32', '::/0', 'fe80::/10', '::1/128', '2001:db8::/129', '224.0.0.0/4',
        '192.168.1.0/024', '10.0.0.0/08', 'fe80::1%eth0/128', '172.16.0.0/12', '172.16.0.0/11']
for n in nets:
    rows.append(('ip_network', n, outcome_str(lambda n=n: desc(ipaddress.ip_network(n), NET_PROPS))))
    rows.append(('ip_network_loose', n, outcome_str(lambda n=n: desc(ipaddress.ip_network(n, strict=False), NET_PROPS))))
for n in ['1.2.3.4/33', '1.2.3.4/x', '1.2.3.4/1/2']:
    rows.append(('IPv4Network', n, outcome_str(lambda n=n: desc(ipaddress.IPv4Network(n), NET_PROPS))))

pairs = [('1.2.3.4', '1.2.3.0/24'), ('1.2.4.4', '1.2.3.0/24'), ('::1', '1.2.3.0/24'), ('10.1.1.1', '10.0.0.0/8'),
         ('2001:db8::5', '2001:db8::/32')]
for a, n in pairs:
    rows.append(('in', a + ' ' + n, outcome(lambda a=a, n=n: ipaddress.ip_address(a) in ipaddress.ip_network(n))))
npairs = [('10.1.0.0/16', '10.0.0.0/8'), ('10.0.0.0/8', '10.1.0.0/16'), ('10.0.0.0/8', '::/0'), ('10.0.0.0/8', '10.0.0.0/8'),
          ('1.0.0.0/8', '2.0.0.0/8')]
for a, b in npairs:
    for op in ['subnet_of', 'supernet_of', 'overlaps']:
        rows.append((op, a + ' ' + b, outcome(lambda a=a, b=b, op=op: getattr(ipaddress.ip_network(a), op)(ipaddress.ip_network(b)))))
for a, b in [('1.2.3.4', '1.2.3.5'), ('1.2.3.4', '::1'), ('::2', '::1')]:
    rows.append(('lt', a + ' ' + b, outcome(lambda a=a, b=b: ipaddress.ip_address(a) < ipaddress.ip_address(b))))
for n in ['10.0.0.0/30', '10.0.0.0/31', '10.0.0.5/32', '2001:db8::/126', '2001:db8::/127']:
    rows.append(('hosts', n, outcome(lambda n=n: ipaddress.ip_network(n).hosts() and list(ipaddress.ip_network(n).hosts()))))
print(table('IP_CASES', rows))

//! `ipaddress`: CPython 3.11.7's parsing, properties (with its tables of private and
//! reserved networks), printing, comparisons and error messages for IPv4/IPv6 addresses
//! and networks. Interfaces are not provided.

use std::any::Any;
use std::rc::Rc;

use crate::err::{ExcKind, PyErr, PyResult};
use crate::fmt::{repr, str_repr};
use crate::ops::unsupported;
use crate::stdlib::{exc_class, Args};
use crate::value::{BinOp, Kwargs, PyObject, TypeObject, Value};

/// Module attributes of `ipaddress`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "ip_address" => Value::func("ip_address", ip_address),
        "ip_network" => Value::func("ip_network", ip_network),
        "IPv4Address" => type_obj("IPv4Address", |v| is_addr(v, false), ipv4_address),
        "IPv6Address" => type_obj("IPv6Address", |v| is_addr(v, true), ipv6_address),
        "IPv4Network" => type_obj("IPv4Network", |v| is_net(v, false), ipv4_network),
        "IPv6Network" => type_obj("IPv6Network", |v| is_net(v, true), ipv6_network),
        "AddressValueError" => exc_class(ExcKind::AddressValueError),
        "NetmaskValueError" => exc_class(ExcKind::NetmaskValueError),
        _ => return None,
    })
}

fn type_obj(
    name: &'static str,
    check: fn(&Value) -> bool,
    construct: crate::value::NativeFn,
) -> Value {
    Value::object(TypeObject {
        name,
        module: "ipaddress",
        check,
        construct: Some(construct),
        attr: None,
    })
}

fn is_addr(v: &Value, v6: bool) -> bool {
    v.downcast::<Address>().is_some_and(|a| a.v6 == v6)
}

fn is_net(v: &Value, v6: bool) -> bool {
    v.downcast::<Network>().is_some_and(|n| n.v6 == v6)
}

fn addr_err(msg: impl Into<String>) -> PyErr {
    PyErr::new(ExcKind::AddressValueError, msg)
}

fn mask_err(msg: impl Into<String>) -> PyErr {
    PyErr::new(ExcKind::NetmaskValueError, msg)
}

const fn bits(v6: bool) -> u32 {
    if v6 {
        128
    } else {
        32
    }
}

const fn all_ones(v6: bool) -> u128 {
    if v6 {
        u128::MAX
    } else {
        u32::MAX as u128
    }
}

/// An `IPv4Address` or `IPv6Address`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub v6: bool,
    pub ip: u128,
    pub scope_id: Option<Rc<str>>,
}

/// An `IPv4Network` or `IPv6Network`.
#[derive(Clone, Debug)]
pub struct Network {
    pub v6: bool,
    pub address: Address,
    pub prefixlen: u32,
}

// ---------------------------------------------------------------------------------------
// Parsing.

fn parse_octet(s: &str) -> Result<u128, String> {
    if s.is_empty() {
        return Err("Empty octet not permitted".into());
    }
    if !(s.is_ascii() && s.chars().all(|c| c.is_ascii_digit())) {
        return Err(format!("Only decimal digits permitted in {}", str_repr(s)));
    }
    if s.len() > 3 {
        return Err(format!("At most 3 characters permitted in {}", str_repr(s)));
    }
    if s != "0" && s.starts_with('0') {
        return Err(format!(
            "Leading zeros are not permitted in {}",
            str_repr(s)
        ));
    }
    let v: u128 = s.parse().map_err(|_| "octet".to_string())?;
    if v > 255 {
        return Err(format!("Octet {v} (> 255) not permitted"));
    }
    Ok(v)
}

fn v4_from_string(s: &str) -> PyResult<u128> {
    if s.is_empty() {
        return Err(addr_err("Address cannot be empty"));
    }
    let octets: Vec<&str> = s.split('.').collect();
    if octets.len() != 4 {
        return Err(addr_err(format!("Expected 4 octets in {}", str_repr(s))));
    }
    let mut v = 0u128;
    for o in octets {
        v = (v << 8) | parse_octet(o).map_err(|e| addr_err(format!("{e} in {}", str_repr(s))))?;
    }
    Ok(v)
}

fn parse_hextet(s: &str) -> Result<u128, String> {
    if !s.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("Only hex digits permitted in {}", str_repr(s)));
    }
    if s.len() > 4 {
        return Err(format!("At most 4 characters permitted in {}", str_repr(s)));
    }
    u128::from_str_radix(s, 16)
        .map_err(|_| format!("invalid literal for int() with base 16: {}", str_repr(s)))
}

fn v6_from_string(s: &str) -> PyResult<u128> {
    if s.is_empty() {
        return Err(addr_err("Address cannot be empty"));
    }
    let r = str_repr(s);
    let mut parts: Vec<String> = s.split(':').map(str::to_string).collect();
    if parts.len() < 3 {
        return Err(addr_err(format!("At least 3 parts expected in {r}")));
    }
    if parts.last().is_some_and(|p| p.contains('.')) {
        let last = parts.pop().unwrap_or_default();
        let v4 = v4_from_string(&last).map_err(|e| addr_err(format!("{} in {r}", e.str())))?;
        parts.push(format!("{:x}", (v4 >> 16) & 0xffff));
        parts.push(format!("{:x}", v4 & 0xffff));
    }
    if parts.len() > 9 {
        return Err(addr_err(format!("At most 8 colons permitted in {r}")));
    }
    let mut skip = None;
    for (i, p) in parts.iter().enumerate().take(parts.len() - 1).skip(1) {
        if p.is_empty() {
            if skip.is_some() {
                return Err(addr_err(format!("At most one '::' permitted in {r}")));
            }
            skip = Some(i);
        }
    }
    let n = parts.len();
    let (hi, lo, skipped) = match skip {
        Some(i) => {
            let mut hi = i;
            let mut lo = n - i - 1;
            if parts[0].is_empty() {
                hi -= 1;
                if hi > 0 {
                    return Err(addr_err(format!(
                        "Leading ':' only permitted as part of '::' in {r}"
                    )));
                }
            }
            if parts[n - 1].is_empty() {
                lo -= 1;
                if lo > 0 {
                    return Err(addr_err(format!(
                        "Trailing ':' only permitted as part of '::' in {r}"
                    )));
                }
            }
            let skipped = 8i64 - (hi + lo) as i64;
            if skipped < 1 {
                return Err(addr_err(format!(
                    "Expected at most 7 other parts with '::' in {r}"
                )));
            }
            (hi, lo, skipped as u32)
        }
        None => {
            if n != 8 {
                return Err(addr_err(format!(
                    "Exactly 8 parts expected without '::' in {r}"
                )));
            }
            if parts[0].is_empty() {
                return Err(addr_err(format!(
                    "Leading ':' only permitted as part of '::' in {r}"
                )));
            }
            if parts[n - 1].is_empty() {
                return Err(addr_err(format!(
                    "Trailing ':' only permitted as part of '::' in {r}"
                )));
            }
            (n, 0, 0)
        }
    };
    let wrap = |e: String| addr_err(format!("{e} in {r}"));
    let mut v: u128 = 0;
    for p in &parts[..hi] {
        v = (v << 16) | parse_hextet(p).map_err(wrap)?;
    }
    v = v.checked_shl(16 * skipped).unwrap_or(0);
    for p in &parts[n - lo..] {
        v = (v << 16) | parse_hextet(p).map_err(wrap)?;
    }
    Ok(v)
}

fn v6_to_string(ip: u128) -> String {
    let hextets: Vec<String> = (0..8)
        .map(|i| format!("{:x}", (ip >> (112 - 16 * i)) & 0xffff))
        .collect();
    // The longest run (first on ties) of two or more zero hextets becomes `::`.
    let (mut best_start, mut best_len) = (0usize, 0usize);
    let (mut start, mut len) = (0usize, 0usize);
    for (i, h) in hextets.iter().enumerate() {
        if h == "0" {
            if len == 0 {
                start = i;
            }
            len += 1;
            if len > best_len {
                best_len = len;
                best_start = start;
            }
        } else {
            len = 0;
        }
    }
    if best_len > 1 {
        let head = hextets[..best_start].join(":");
        let tail = hextets[best_start + best_len..].join(":");
        format!("{head}::{tail}")
    } else {
        hextets.join(":")
    }
}

impl Address {
    fn new(v6: bool, ip: u128) -> Address {
        Address {
            v6,
            ip,
            scope_id: None,
        }
    }

    fn ip_string(&self) -> String {
        if self.v6 {
            v6_to_string(self.ip)
        } else {
            let ip = self.ip as u32;
            let b = ip.to_be_bytes();
            format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
        }
    }

    fn class_name(&self) -> &'static str {
        if self.v6 {
            "IPv6Address"
        } else {
            "IPv4Address"
        }
    }

    /// `IPv4Address(x)` / `IPv6Address(x)`.
    pub fn construct(v6: bool, v: &Value) -> PyResult<Address> {
        let ver = if v6 { 6 } else { 4 };
        match v {
            Value::Int(_) | Value::Bool(_) => {
                let n = match v {
                    Value::Int(n) => *n,
                    Value::Bool(b) => *b as i64,
                    _ => 0,
                };
                if n < 0 {
                    return Err(addr_err(format!(
                        "{n} (< 0) is not permitted as an IPv{ver} address"
                    )));
                }
                if n as u128 > all_ones(v6) {
                    return Err(addr_err(format!(
                        "{n} (>= 2**32) is not permitted as an IPv4 address"
                    )));
                }
                Ok(Address::new(v6, n as u128))
            }
            Value::Bytes(b) => {
                let want = if v6 { 16 } else { 4 };
                if b.len() != want {
                    return Err(addr_err(format!(
                        "{} (len {} != {want}) is not permitted as an IPv{ver} address",
                        repr(v),
                        b.len()
                    )));
                }
                Ok(Address::new(
                    v6,
                    b.iter().fold(0u128, |a, x| (a << 8) | *x as u128),
                ))
            }
            _ => {
                let s = crate::fmt::str(v);
                if s.contains('/') {
                    return Err(addr_err(format!("Unexpected '/' in {}", repr(v))));
                }
                if v6 {
                    let (addr, scope) = match s.split_once('%') {
                        None => (s.as_str(), None),
                        Some((a, sc)) => {
                            if sc.is_empty() || sc.contains('%') {
                                return Err(addr_err(format!(
                                    "Invalid IPv6 address: \"{}\"",
                                    str_repr(&s)
                                )));
                            }
                            (a, Some(Rc::from(sc)))
                        }
                    };
                    Ok(Address {
                        v6,
                        ip: v6_from_string(addr)?,
                        scope_id: scope,
                    })
                } else {
                    Ok(Address::new(false, v4_from_string(&s)?))
                }
            }
        }
    }

    fn in_net(&self, net: &str) -> bool {
        let (a, p) = net.split_once('/').unwrap_or((net, ""));
        let p: u32 = p.parse().unwrap_or(0);
        let base = if self.v6 {
            v6_from_string(a).unwrap_or(0)
        } else {
            v4_from_string(a).unwrap_or(0)
        };
        let mask = netmask(self.v6, p);
        self.ip & mask == base
    }

    fn is_private(&self) -> bool {
        if self.v6 {
            if let Some(v4) = self.ipv4_mapped() {
                return v4.is_private();
            }
            V6_PRIVATE.iter().any(|n| self.in_net(n))
        } else {
            V4_PRIVATE.iter().any(|n| self.in_net(n))
        }
    }

    fn is_global(&self) -> bool {
        if self.v6 {
            !self.is_private()
        } else {
            !self.in_net("100.64.0.0/10") && !self.is_private()
        }
    }

    fn is_reserved(&self) -> bool {
        if self.v6 {
            V6_RESERVED.iter().any(|n| self.in_net(n))
        } else {
            self.in_net("240.0.0.0/4")
        }
    }

    fn is_multicast(&self) -> bool {
        self.in_net(if self.v6 { "ff00::/8" } else { "224.0.0.0/4" })
    }

    fn is_link_local(&self) -> bool {
        self.in_net(if self.v6 {
            "fe80::/10"
        } else {
            "169.254.0.0/16"
        })
    }

    fn is_loopback(&self) -> bool {
        if self.v6 {
            self.ip == 1
        } else {
            self.in_net("127.0.0.0/8")
        }
    }

    fn ipv4_mapped(&self) -> Option<Address> {
        (self.v6 && (self.ip >> 32) == 0xffff).then(|| Address::new(false, self.ip & 0xffff_ffff))
    }

    fn exploded(&self) -> PyResult<String> {
        if !self.v6 {
            return Ok(self.ip_string());
        }
        if self.scope_id.is_some() {
            // CPython re-parses `str(self)`, which fails on the scope id.
            v6_from_string(&self.str())?;
        }
        let hex = format!("{:032x}", self.ip);
        Ok((0..8)
            .map(|i| &hex[i * 4..i * 4 + 4])
            .collect::<Vec<_>>()
            .join(":"))
    }
}

fn netmask(v6: bool, prefix: u32) -> u128 {
    let ones = all_ones(v6);
    if prefix == 0 {
        0
    } else {
        ones ^ ones.checked_shr(prefix).unwrap_or(0)
    }
}

/// CPython 3.11.7's `_IPv4Constants._private_networks`.
const V4_PRIVATE: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/29",
    "192.0.0.170/31",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "240.0.0.0/4",
    "255.255.255.255/32",
];

/// CPython 3.11.7's `_IPv6Constants._private_networks`.
const V6_PRIVATE: &[&str] = &[
    "::1/128",
    "::/128",
    "::ffff:0:0/96",
    "100::/64",
    "2001::/23",
    "2001:2::/48",
    "2001:db8::/32",
    "2001:10::/28",
    "fc00::/7",
    "fe80::/10",
];

/// CPython 3.11.7's `_IPv6Constants._reserved_networks`.
const V6_RESERVED: &[&str] = &[
    "::/8", "100::/8", "200::/7", "400::/6", "800::/5", "1000::/4", "4000::/3", "6000::/3",
    "8000::/3", "a000::/3", "c000::/3", "e000::/4", "f000::/5", "f800::/6", "fe00::/9",
];

fn prefix_from_int(v6: bool, ip: u128) -> Option<u32> {
    let b = bits(v6);
    let tz = if ip == 0 {
        b
    } else {
        ip.trailing_zeros().min(b)
    };
    let prefix = b - tz;
    let leading = if tz >= 128 { 0 } else { ip >> tz };
    let all = if prefix >= 128 {
        u128::MAX
    } else {
        (1u128 << prefix) - 1
    };
    (leading == all).then_some(prefix)
}

fn make_netmask(v6: bool, mask: &Value) -> PyResult<u32> {
    let b = bits(v6);
    match mask {
        Value::Int(p) => {
            if (0..=b as i64).contains(p) {
                Ok(*p as u32)
            } else {
                Err(mask_err(format!("{p} is not a valid netmask")))
            }
        }
        Value::Str(s) => {
            let invalid = || mask_err(format!("{} is not a valid netmask", str_repr(s)));
            if s.is_ascii() && !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
                return match s.parse::<u32>() {
                    Ok(p) if p <= b => Ok(p),
                    _ => Err(invalid()),
                };
            }
            if v6 {
                return Err(invalid());
            }
            let ip = v4_from_string(s).map_err(|_| invalid())?;
            prefix_from_int(false, ip)
                .or_else(|| prefix_from_int(false, ip ^ all_ones(false)))
                .ok_or_else(invalid)
        }
        _ => Err(unsupported("netmask of this type")),
    }
}

impl Network {
    fn class_name(&self) -> &'static str {
        if self.v6 {
            "IPv6Network"
        } else {
            "IPv4Network"
        }
    }

    fn mask(&self) -> u128 {
        netmask(self.v6, self.prefixlen)
    }

    fn broadcast(&self) -> u128 {
        self.address.ip | (self.mask() ^ all_ones(self.v6))
    }

    /// `IPv4Network(x, strict)` / `IPv6Network(x, strict)`.
    pub fn construct(v6: bool, v: &Value, strict: bool) -> PyResult<Network> {
        let b = Value::Int(bits(v6) as i64);
        let (addr, mask): (Value, Value) = match v {
            Value::Int(_) | Value::Bool(_) | Value::Bytes(_) => (v.clone(), b),
            Value::Tuple(t) if t.len() > 1 => (t[0].clone(), t[1].clone()),
            Value::Tuple(t) if t.len() == 1 => (t[0].clone(), b),
            Value::Tuple(_) => return Err(unsupported("network from an empty tuple")),
            _ => {
                let s = crate::fmt::str(v);
                let parts: Vec<&str> = s.split('/').collect();
                match parts.as_slice() {
                    [a] => (Value::str(*a), b),
                    [a, m] => (Value::str(*a), Value::str(*m)),
                    _ => return Err(addr_err(format!("Only one '/' permitted in {}", repr(v)))),
                }
            }
        };
        let address = Address::construct(v6, &addr)?;
        let prefixlen = make_netmask(v6, &mask)?;
        let mut net = Network {
            v6,
            address,
            prefixlen,
        };
        let m = net.mask();
        if net.address.ip & m != net.address.ip {
            if strict {
                return Err(PyErr::value_error(format!(
                    "{} has host bits set",
                    net.str()
                )));
            }
            net.address = Address::new(v6, net.address.ip & m);
        }
        Ok(net)
    }

    fn contains_addr(&self, a: &Address) -> bool {
        a.v6 == self.v6 && a.ip & self.mask() == self.address.ip
    }

    fn in_net(&self, net: &str) -> bool {
        let a = Address::new(self.v6, self.address.ip);
        let b = Address::new(self.v6, self.broadcast());
        a.in_net(net) && b.in_net(net)
    }

    fn both(&self, f: impl Fn(&Address) -> bool) -> bool {
        f(&self.address) && f(&Address::new(self.v6, self.broadcast()))
    }

    fn is_private(&self) -> bool {
        let list = if self.v6 { V6_PRIVATE } else { V4_PRIVATE };
        list.iter().any(|n| self.in_net(n))
    }

    fn num_addresses(&self) -> PyResult<i64> {
        let n = (self.broadcast() - self.address.ip).checked_add(1);
        n.and_then(|n| i64::try_from(n).ok())
            .ok_or_else(|| unsupported("integers outside the 64-bit range"))
    }

    fn addresses(&self, lo: u128, hi_inclusive: u128) -> PyResult<Value> {
        if hi_inclusive >= lo && hi_inclusive - lo >= 1 << 16 {
            return Err(unsupported(
                "listing more than 65536 addresses of a network",
            ));
        }
        let items = if hi_inclusive < lo {
            Vec::new()
        } else {
            (lo..=hi_inclusive)
                .map(|ip| Value::object(Address::new(self.v6, ip)))
                .collect()
        };
        Ok(Value::list(items))
    }

    fn hosts(&self) -> PyResult<Value> {
        let b = bits(self.v6);
        if self.prefixlen == b {
            return Ok(Value::list(vec![Value::object(self.address.clone())]));
        }
        if self.prefixlen == b - 1 {
            return self.addresses(self.address.ip, self.broadcast());
        }
        let hi = if self.v6 {
            self.broadcast()
        } else {
            self.broadcast() - 1
        };
        self.addresses(self.address.ip + 1, hi)
    }
}

// ---------------------------------------------------------------------------------------
// Python objects.

fn bool_v(b: bool) -> PyResult<Value> {
    Ok(Value::Bool(b))
}

impl PyObject for Address {
    fn fixed_attributes(&self) -> Option<&str> {
        Some(self.class_name())
    }
    fn type_name(&self) -> &str {
        self.class_name()
    }
    fn repr(&self) -> String {
        format!("{}({})", self.class_name(), str_repr(&self.str()))
    }
    fn str(&self) -> String {
        match &self.scope_id {
            Some(s) => format!("{}%{}", self.ip_string(), s),
            None => self.ip_string(),
        }
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "version" => Ok(Value::Int(if self.v6 { 6 } else { 4 })),
            "max_prefixlen" => Ok(Value::Int(bits(self.v6) as i64)),
            "is_private" => bool_v(self.is_private()),
            "is_global" => bool_v(self.is_global()),
            "is_reserved" => bool_v(self.is_reserved()),
            "is_multicast" => bool_v(self.is_multicast()),
            "is_link_local" => bool_v(self.is_link_local()),
            "is_loopback" => bool_v(self.is_loopback()),
            "is_unspecified" => bool_v(self.ip == 0),
            "is_site_local" if self.v6 => bool_v(self.in_net("fec0::/10")),
            "compressed" => Ok(Value::str(self.str())),
            "exploded" => Ok(Value::str(self.exploded()?)),
            "packed" => {
                let bytes = self.ip.to_be_bytes();
                let n = if self.v6 { 16 } else { 4 };
                Ok(Value::Bytes(bytes[16 - n..].into()))
            }
            "reverse_pointer" => {
                if self.v6 {
                    let ex = self.exploded()?.replace(':', "");
                    let rev: Vec<String> = ex.chars().rev().map(String::from).collect();
                    Ok(Value::str(format!("{}.ip6.arpa", rev.join("."))))
                } else {
                    let s = self.ip_string();
                    let rev: Vec<&str> = s.split('.').rev().collect();
                    Ok(Value::str(format!("{}.in-addr.arpa", rev.join("."))))
                }
            }
            "ipv4_mapped" if self.v6 => Ok(self.ipv4_mapped().map_or(Value::None, Value::object)),
            "scope_id" if self.v6 => Ok(self
                .scope_id
                .as_ref()
                .map_or(Value::None, |s| Value::Str(s.clone()))),
            "sixtofour" if self.v6 => Ok(if (self.ip >> 112) == 0x2002 {
                Value::object(Address::new(false, (self.ip >> 80) & 0xffff_ffff))
            } else {
                Value::None
            }),
            "teredo" if self.v6 => Ok(if (self.ip >> 96) == 0x2001_0000 {
                Value::tuple(vec![
                    Value::object(Address::new(false, (self.ip >> 64) & 0xffff_ffff)),
                    Value::object(Address::new(false, !self.ip & 0xffff_ffff)),
                ])
            } else {
                Value::None
            }),
            _ => Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute '{name}'",
                self.class_name()
            ))),
        }
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        let o = other.downcast::<Address>()?;
        Some(self.v6 == o.v6 && self.ip == o.ip && self.scope_id == o.scope_id)
    }
    fn lt(&self, other: &Value) -> Option<PyResult<bool>> {
        let o = other.downcast::<Address>()?;
        if o.v6 != self.v6 {
            return Some(Err(PyErr::type_error(format!(
                "{} and {} are not of the same version",
                self.str(),
                o.str()
            ))));
        }
        Some(Ok(self.ip < o.ip))
    }
    fn hash(&self) -> Option<u64> {
        Some((self.ip as u64) ^ ((self.ip >> 64) as u64) ^ (self.v6 as u64))
    }
    fn binop(&self, op: BinOp, other: &Value, reflected: bool) -> Option<PyResult<Value>> {
        let n = match other {
            Value::Int(n) => *n as i128,
            Value::Bool(b) => *b as i128,
            _ => return None,
        };
        let r = match (op, reflected) {
            (BinOp::Add, _) => (self.ip as i128).checked_add(n),
            (BinOp::Sub, false) => (self.ip as i128).checked_sub(n),
            _ => return None,
        };
        Some(match r {
            Some(v) if v >= 0 && (v as u128) <= all_ones(self.v6) => {
                Ok(Value::object(Address::new(self.v6, v as u128)))
            }
            Some(v) if v < 0 => Err(addr_err(format!(
                "{v} (< 0) is not permitted as an IPv{} address",
                if self.v6 { 6 } else { 4 }
            ))),
            Some(v) if !self.v6 => Err(addr_err(format!(
                "{v} (>= 2**32) is not permitted as an IPv4 address"
            ))),
            _ => Err(unsupported("integers outside the 64-bit range")),
        })
    }
    fn format(&self, spec: &str) -> Option<PyResult<String>> {
        Some(if spec.is_empty() {
            Ok(self.str())
        } else {
            Err(unsupported("format specs on IP addresses"))
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Network {
    fn str(&self) -> String {
        format!("{}/{}", self.address.str(), self.prefixlen)
    }

    fn subnet_of(a: &Value, b: &Value) -> PyResult<bool> {
        let version = |v: &Value| -> Option<bool> {
            v.downcast::<Network>()
                .map(|n| n.v6)
                .or_else(|| v.downcast::<Address>().map(|a| a.v6))
        };
        let unable = || {
            PyErr::type_error(format!(
                "Unable to test subnet containment between {} and {}",
                crate::fmt::str(a),
                crate::fmt::str(b)
            ))
        };
        let (Some(va), Some(vb)) = (version(a), version(b)) else {
            return Err(unable());
        };
        if va != vb {
            return Err(PyErr::type_error(format!(
                "{} and {} are not of the same version",
                crate::fmt::str(a),
                crate::fmt::str(b)
            )));
        }
        match (a.downcast::<Network>(), b.downcast::<Network>()) {
            (Some(na), Some(nb)) => {
                Ok(nb.address.ip <= na.address.ip && nb.broadcast() >= na.broadcast())
            }
            _ => Err(unable()),
        }
    }
}

impl PyObject for Network {
    fn type_name(&self) -> &str {
        self.class_name()
    }
    fn repr(&self) -> String {
        format!("{}({})", self.class_name(), str_repr(&self.str()))
    }
    fn str(&self) -> String {
        Network::str(self)
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        let addr = |ip: u128| Value::object(Address::new(self.v6, ip));
        match name {
            "version" => Ok(Value::Int(if self.v6 { 6 } else { 4 })),
            "max_prefixlen" => Ok(Value::Int(bits(self.v6) as i64)),
            "prefixlen" => Ok(Value::Int(self.prefixlen as i64)),
            "network_address" => Ok(Value::object(self.address.clone())),
            "broadcast_address" => Ok(addr(self.broadcast())),
            "netmask" => Ok(addr(self.mask())),
            "hostmask" => Ok(addr(self.mask() ^ all_ones(self.v6))),
            "num_addresses" => Ok(Value::Int(self.num_addresses()?)),
            "with_prefixlen" | "compressed" => Ok(Value::str(self.str())),
            "with_netmask" => Ok(Value::str(format!(
                "{}/{}",
                self.address.str(),
                Address::new(self.v6, self.mask()).str()
            ))),
            "with_hostmask" => Ok(Value::str(format!(
                "{}/{}",
                self.address.str(),
                Address::new(self.v6, self.mask() ^ all_ones(self.v6)).str()
            ))),
            "exploded" => Ok(Value::str(format!(
                "{}/{}",
                self.address.exploded()?,
                self.prefixlen
            ))),
            "is_private" => bool_v(self.is_private()),
            "is_global" => bool_v(if self.v6 {
                !self.is_private()
            } else {
                !self.in_net("100.64.0.0/10") && !self.is_private()
            }),
            "is_multicast" => bool_v(self.both(Address::is_multicast)),
            "is_reserved" => bool_v(self.both(Address::is_reserved)),
            "is_link_local" => bool_v(self.both(Address::is_link_local)),
            "is_loopback" => bool_v(self.both(Address::is_loopback)),
            "is_unspecified" => bool_v(self.both(|a| a.ip == 0)),
            "is_site_local" if self.v6 => bool_v(self.both(|a| a.in_net("fec0::/10"))),
            _ => Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute '{name}'",
                self.class_name()
            ))),
        }
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "subnet_of" | "supernet_of" | "overlaps" | "hosts")
    }
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match name {
            "subnet_of" | "supernet_of" | "overlaps" => {
                let fname = match name {
                    "subnet_of" => "subnet_of",
                    "supernet_of" => "supernet_of",
                    _ => "overlaps",
                };
                let a = Args::new(fname, args, kwargs, &["other"], 1)?;
                let other = a.req(0);
                match name {
                    "subnet_of" => Network::subnet_of(this, &other).map(Value::Bool),
                    "supernet_of" => Network::subnet_of(&other, this).map(Value::Bool),
                    _ => {
                        let Some(o) = other.downcast::<Network>() else {
                            return Err(unsupported("overlaps() with a non-network"));
                        };
                        let a = |ip| Address::new(self.v6, ip);
                        Ok(Value::Bool(
                            o.contains_addr(&a(self.address.ip))
                                || o.contains_addr(&a(self.broadcast()))
                                || self.contains_addr(&a(o.address.ip))
                                || self.contains_addr(&a(o.broadcast())),
                        ))
                    }
                }
            }
            "hosts" => {
                Args::new("hosts", args, kwargs, &[], 0)?;
                self.hosts()
            }
            _ => Err(PyErr::attribute_error(format!(
                "'{}' object has no attribute '{name}'",
                self.class_name()
            ))),
        }
    }
    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        if let Some(a) = item.downcast::<Address>() {
            return Some(Ok(self.contains_addr(a)));
        }
        if item.downcast::<Network>().is_some() {
            return Some(Ok(false));
        }
        Some(Err(PyErr::attribute_error(format!(
            "'{}' object has no attribute '_version'",
            item.type_name()
        ))))
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        Some(
            self.addresses(self.address.ip, self.broadcast())
                .map(|l| match l {
                    Value::List(l) => l.borrow().clone(),
                    _ => Vec::new(),
                }),
        )
    }
    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        let Value::Int(n) = key else {
            return Some(Err(unsupported("network indexing with a non-int")));
        };
        let (net, bc) = (self.address.ip, self.broadcast());
        let out = if *n >= 0 {
            net.checked_add(*n as u128).filter(|ip| *ip <= bc)
        } else {
            bc.checked_sub((-(*n + 1)) as u128).filter(|ip| *ip >= net)
        };
        Some(
            out.map(|ip| Value::object(Address::new(self.v6, ip)))
                .ok_or_else(|| PyErr::index_error("address out of range")),
        )
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        let o = other.downcast::<Network>()?;
        Some(self.v6 == o.v6 && self.address == o.address && self.prefixlen == o.prefixlen)
    }
    fn lt(&self, other: &Value) -> Option<PyResult<bool>> {
        let o = other.downcast::<Network>()?;
        if o.v6 != self.v6 {
            return Some(Err(PyErr::type_error(format!(
                "{} and {} are not of the same version",
                self.str(),
                o.str()
            ))));
        }
        Some(Ok(if self.address.ip != o.address.ip {
            self.address.ip < o.address.ip
        } else {
            self.mask() < o.mask()
        }))
    }
    fn hash(&self) -> Option<u64> {
        let h = self.address.ip ^ self.mask();
        Some((h as u64) ^ ((h >> 64) as u64))
    }
    fn format(&self, spec: &str) -> Option<PyResult<String>> {
        Some(if spec.is_empty() {
            Ok(self.str())
        } else {
            Err(unsupported("format specs on IP networks"))
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------------------------------
// Module functions.

/// `ipaddress.ip_address(address)`.
pub fn ip_address(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("ip_address", args, kwargs, &["address"], 1)?;
    let v = a.req(0);
    for v6 in [false, true] {
        match Address::construct(v6, &v) {
            Ok(addr) => return Ok(Value::object(addr)),
            Err(e)
                if e.matches(ExcKind::AddressValueError)
                    || e.matches(ExcKind::NetmaskValueError) => {}
            Err(e) => return Err(e),
        }
    }
    Err(PyErr::value_error(format!(
        "{} does not appear to be an IPv4 or IPv6 address",
        repr(&v)
    )))
}

/// `ipaddress.ip_network(address, strict=True)`.
pub fn ip_network(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("ip_network", args, kwargs, &["address", "strict"], 1)?;
    let v = a.req(0);
    let strict = match a.get(1) {
        Some(s) => crate::ops::truthy(s)?,
        None => true,
    };
    for v6 in [false, true] {
        match Network::construct(v6, &v, strict) {
            Ok(n) => return Ok(Value::object(n)),
            Err(e)
                if e.matches(ExcKind::AddressValueError)
                    || e.matches(ExcKind::NetmaskValueError) => {}
            Err(e) => return Err(e),
        }
    }
    Err(PyErr::value_error(format!(
        "{} does not appear to be an IPv4 or IPv6 network",
        repr(&v)
    )))
}

/// `ipaddress.IPv4Address(address)`.
pub fn ipv4_address(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("IPv4Address", args, kwargs, &["address"], 1)?;
    Address::construct(false, &a.req(0)).map(Value::object)
}

/// `ipaddress.IPv6Address(address)`.
pub fn ipv6_address(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("IPv6Address", args, kwargs, &["address"], 1)?;
    Address::construct(true, &a.req(0)).map(Value::object)
}

fn network_ctor(v6: bool, fname: &'static str, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new(fname, args, kwargs, &["address", "strict"], 1)?;
    let strict = match a.get(1) {
        Some(s) => crate::ops::truthy(s)?,
        None => true,
    };
    Network::construct(v6, &a.req(0), strict).map(Value::object)
}

/// `ipaddress.IPv4Network(address, strict=True)`.
pub fn ipv4_network(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    network_ctor(false, "IPv4Network", args, kwargs)
}

/// `ipaddress.IPv6Network(address, strict=True)`.
pub fn ipv6_network(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    network_ctor(true, "IPv6Network", args, kwargs)
}

//! The standard-library (and third-party) modules detections import, as Python module
//! objects: `json`, `re`, `ipaddress`, `fnmatch`, `datetime`, `urllib.parse`, `base64`,
//! `binascii`, `shlex`, `difflib`, `math`, `collections`, `functools`, `time`, `os`,
//! `dateutil.parser`.

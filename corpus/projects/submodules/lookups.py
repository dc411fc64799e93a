"""Imports only the package, and reads a submodule another module imported first."""

import json

import corp


def region_of(event):
    return corp.geo.region(event)


def private(address):
    return corp.net.cidr.is_private(address)

"""Broken for ferrule on purpose: a severity read from the environment when main.py runs.
CPython takes whatever the environment holds; ferrule cannot know it at compile time, so it
refuses that rule (naming the statement) and compiles the rest. The refused rule is a
managed rule without tests here, so the oracle has no test of it either.
"""

import os

from heartbeat import Heartbeat
from pypanther import register
from pypanther.rules.github.github_repo_created import GithubRepoCreated

SEVERITY = os.environ.get("CORP_GITHUB_SEVERITY", "HIGH")
GithubRepoCreated.override(default_severity=SEVERITY)

register([GithubRepoCreated, Heartbeat])

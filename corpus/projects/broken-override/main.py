"""Broken on purpose: `override` of an attribute that does not exist (`severity` is a
method; the attribute is `default_severity`) raises `TypeError: Rule.override() got an
unexpected keyword argument 'severity'` in CPython, so `pypanther test` runs nothing.
ferrule reports the statement and goes on.
"""

from pypanther import register
from pypanther.rules.github.github_repo_created import GithubRepoCreated
from pypanther.rules.github.github_team_modified import GitHubTeamModified

GithubRepoCreated.override(severity="HIGH")
GitHubTeamModified.override(default_severity="LOW")

register([GithubRepoCreated, GitHubTeamModified])

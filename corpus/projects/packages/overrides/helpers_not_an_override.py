"""A module of the overrides package without `apply_overrides`: skipped."""

SKIPPED = True

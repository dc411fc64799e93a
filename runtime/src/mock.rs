//! `unittest.mock.MagicMock` as unit tests use it: a callable that returns a fixed value.

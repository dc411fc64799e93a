//! `PantherEvent` and panther_core's immutable containers (`ImmutableCaseInsensitiveDict`,
//! `ImmutableList`).

//! Loader tests: JSON Lines, JSON and CSV through the public API.

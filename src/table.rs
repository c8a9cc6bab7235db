//! Table placeholder.

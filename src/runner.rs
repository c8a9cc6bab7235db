//! Runner placeholder.

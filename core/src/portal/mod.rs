//! Talking to a portal: the contract's wire types, the `Portal` trait and its HTTP client.

pub mod wire;

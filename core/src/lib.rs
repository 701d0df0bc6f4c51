//! `longan-core`: the shared logic of the Long An Số citizen app.
//!
//! One folder per capability; dependencies point one way (capabilities → store → nothing).
//! No FFI types here: the bindings crate converts.

pub mod text;

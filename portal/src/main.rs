//! `longan-portal`.

fn main() {}

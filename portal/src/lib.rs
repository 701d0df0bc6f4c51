//! The reference portal (placeholder until the portal helper writes it).

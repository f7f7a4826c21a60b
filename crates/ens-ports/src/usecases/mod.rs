//! The use cases, written once against the outbound ports. Each is a method group on
//! [`Ports`](crate::Ports).

pub mod operators;
pub mod provisioning;

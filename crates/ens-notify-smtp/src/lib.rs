#![doc = include_str!("../README.md")]

mod config;
mod mailer;
mod render;

#[cfg(feature = "test-support")]
pub mod testing;

pub use config::{ConfigError, SmtpConfig, TlsMode};
pub use mailer::SmtpMailer;
pub use render::{Rendered, render};

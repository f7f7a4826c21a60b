#![doc = include_str!("../README.md")]

mod config;
mod mailer;
mod render;

pub use config::{ConfigError, SmtpConfig, TlsMode};
pub use mailer::SmtpMailer;
pub use render::{Rendered, render};

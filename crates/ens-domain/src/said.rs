//! Sentences kept for people to read later: an activity entry's detail, a switch-off's
//! failure detail, the reason a notice quotes and the persons it names. Each is kept as the
//! id of a message of the shared catalogue (`crates/ens-i18n/locales/`) and its arguments,
//! never as text, so that every reader gets it in their language, whenever it was written
//! (`docs/decisions/i18n.md`).

use crate::catalogue::Field;
use crate::time::Timestamp;

/// A message id and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    pub id: String,
    pub args: Vec<(String, Arg)>,
}

/// An argument of a [`Said`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Data shown as it is: a login, a userName, addresses, a value Entra sent.
    Text(String),
    /// A count (plural rules select on it).
    Number(i64),
    /// A moment, worded to the minute.
    Time(Timestamp),
    /// Fields, worded by their labels.
    Fields(Vec<Field>),
    /// A sentence within the sentence.
    Said(Box<Said>),
}

/// The id of [`Said::verbatim`]'s message.
pub const VERBATIM: &str = "said-verbatim";

/// The id of [`Said::and`]'s message.
pub const AND: &str = "said-and";

/// The longest text argument kept: a detail is a summary, not a copy of what was sent. Long
/// enough for the most notification addresses a setup may have (20 of about 40 characters),
/// short enough that a long SCIM answer it quotes is not stored whole.
pub const MAX_TEXT_ARG: usize = 1000;

impl Said {
    pub fn new(id: &str) -> Self {
        Self { id: id.to_owned(), args: Vec::new() }
    }

    /// Adds the argument `name`; a text longer than [`MAX_TEXT_ARG`] characters is cut there
    /// (with an ellipsis).
    pub fn with(mut self, name: &str, arg: impl Into<Arg>) -> Self {
        let arg = match arg.into() {
            Arg::Text(t) if t.chars().count() > MAX_TEXT_ARG => {
                Arg::Text(t.chars().take(MAX_TEXT_ARG).chain(['…']).collect())
            }
            a => a,
        };
        self.args.push((name.to_owned(), arg));
        self
    }

    /// A text that is not a message of the catalogue: what entries written before details
    /// were kept as messages say, shown as written.
    pub fn verbatim(text: impl Into<String>) -> Self {
        Self::new(VERBATIM).with("text", text.into())
    }

    /// This sentence, then `then` ("…; …").
    pub fn and(self, then: Said) -> Said {
        Said::new(AND).with("first", self).with("then", then)
    }

    /// The sentences one after the other; `None` when there are none.
    pub fn all(parts: Vec<Said>) -> Option<Said> {
        parts.into_iter().rev().reduce(|then, first| first.and(then))
    }

    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }

    /// Whether this sentence, or one within it, is the message `id`.
    pub fn says(&self, id: &str) -> bool {
        self.id == id || self.inner().any(|s| s.says(id))
    }

    /// Whether a text argument of this sentence, or of one within it, contains `needle` (the
    /// data a detail quotes: a login, an address, a value).
    pub fn quotes(&self, needle: &str) -> bool {
        self.args.iter().any(|(_, a)| match a {
            Arg::Text(t) => t.contains(needle),
            Arg::Said(s) => s.quotes(needle),
            _ => false,
        })
    }

    /// Whether this sentence, or one within it, names `field`.
    pub fn names(&self, field: Field) -> bool {
        self.args.iter().any(|(_, a)| match a {
            Arg::Fields(f) => f.contains(&field),
            Arg::Said(s) => s.names(field),
            _ => false,
        })
    }

    fn inner(&self) -> impl Iterator<Item = &Said> {
        self.args.iter().filter_map(|(_, a)| match a {
            Arg::Said(s) => Some(s.as_ref()),
            _ => None,
        })
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Number(i64::from(n))
    }
}

impl From<u8> for Arg {
    fn from(n: u8) -> Self {
        Arg::Number(i64::from(n))
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<Timestamp> for Arg {
    fn from(t: Timestamp) -> Self {
        Arg::Time(t)
    }
}

impl From<Vec<Field>> for Arg {
    fn from(f: Vec<Field>) -> Self {
        Arg::Fields(f)
    }
}

impl From<&[Field]> for Arg {
    fn from(f: &[Field]) -> Self {
        Arg::Fields(f.to_vec())
    }
}

impl From<Said> for Arg {
    fn from(s: Said) -> Self {
        Arg::Said(Box::new(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_and_nested_sentences_are_searched() {
        let s = Said::new("outer").with("inner", Said::new("inner").with("who", "ops@contoso.com"));
        assert!(s.says("inner") && s.says("outer") && !s.says("other"));
        assert!(s.quotes("ops@") && !s.quotes("nobody"));
        let f = Said::new("a").with("b", Said::new("c").with("fields", vec![Field::Title]));
        assert!(f.names(Field::Title) && !f.names(Field::Manager));
        let all = Said::all(vec![Said::new("a"), Said::new("b"), Said::new("c")]).expect("three");
        assert_eq!(all, Said::new("a").and(Said::new("b").and(Said::new("c"))));
        assert_eq!(Said::all(Vec::new()), None);
        let long = Said::new("x").with("t", "y".repeat(5000));
        let Some(Arg::Text(t)) = long.arg("t") else { panic!("text") };
        assert_eq!(t.chars().count(), MAX_TEXT_ARG + 1);
    }
}

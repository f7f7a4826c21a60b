//! Validated value types. A value of one of these types has passed its checks; the rest of the
//! code never re-validates.

use std::fmt;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::said::Said;

/// Why a raw value was refused. The message is shown to principals and to Entra's admins.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("must not be empty")]
    Empty,
    #[error("is longer than {max} characters")]
    TooLong { max: usize },
    #[error("contains a control character")]
    ControlCharacter,
    #[error("is not {expected}")]
    Invalid { expected: Expected },
    /// A Unicode format character (general category Cf): invisible, so two names that look
    /// the same could differ by it.
    #[error(
        "contains an invisible formatting character (U+{code_point:04X}), such as a zero-width space or a \
         text-direction mark; remove it from the value in the directory (e.g. Entra ID)"
    )]
    InvisibleCharacter { code_point: u32 },
}

/// What a refused value should have been; its `Display` is the English words, and adapters
/// that speak other languages word each variant themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Boolean,
    EmailAddress,
    TelephoneNumber,
    Sha256Digest,
}

impl ValueError {
    /// What is wrong, as the catalogue's message (the `Display` above is its English).
    pub fn said(&self) -> Said {
        match self {
            ValueError::Empty => Said::new("value-empty"),
            ValueError::TooLong { max } => Said::new("value-too-long").with("max", *max),
            ValueError::ControlCharacter => Said::new("value-control-character"),
            ValueError::Invalid { expected } => Said::new("value-invalid").with(
                "expected",
                Said::new(match expected {
                    Expected::Boolean => "value-expected-boolean",
                    Expected::EmailAddress => "value-expected-email",
                    Expected::TelephoneNumber => "value-expected-phone",
                    Expected::Sha256Digest => "value-expected-sha256",
                }),
            ),
            ValueError::InvisibleCharacter { code_point } => {
                Said::new("value-invisible-character").with("code", format!("{code_point:04X}"))
            }
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Boolean => "true or false",
            Expected::EmailAddress => "an e-mail address such as name@example.com",
            Expected::TelephoneNumber => {
                "a telephone number (digits, spaces and + - ( ) . / only, optionally an extension)"
            }
            Expected::Sha256Digest => "a SHA-256 hex digest",
        })
    }
}

/// The longest free-text value we keep. Entra's own attributes are far shorter.
pub const MAX_TEXT_CHARS: usize = 1024;
/// The longest userName, e-mail address or identifier we keep.
pub const MAX_NAME_CHARS: usize = 256;

fn check_text(raw: &str, max: usize, allow_newlines: bool) -> Result<(), ValueError> {
    if raw.trim().is_empty() {
        return Err(ValueError::Empty);
    }
    if raw.chars().count() > max {
        return Err(ValueError::TooLong { max });
    }
    let bad = |c: char| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\r' | '\t'));
    if raw.chars().any(bad) {
        return Err(ValueError::ControlCharacter);
    }
    Ok(())
}

/// Free text such as a display name, a title or a formatted address (newlines allowed).
pub fn validate_text(raw: &str) -> Result<(), ValueError> {
    check_text(raw, MAX_TEXT_CHARS, true)
}

/// A single-line identifier such as externalId, employeeNumber or a manager's id.
pub fn validate_identifier(raw: &str) -> Result<(), ValueError> {
    check_text(raw, MAX_NAME_CHARS, false)
}

/// The SCIM `userName`: unique per enterprise, compared without regard to case, width or
/// Unicode composition (`docs/decisions/username-normalization.md`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UserName {
    value: String,
    normalized: String,
}

impl UserName {
    /// Surrounding whitespace (NBSP and the other Unicode spaces included) is dropped: it is
    /// never meant, and would make a second person of the same name. Invisible format
    /// characters are refused rather than dropped: silently editing a login name inside would
    /// hide from the directory's admin that their value is not what it looks like.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let value = raw.trim();
        check_text(value, MAX_NAME_CHARS, false)?;
        if let Some(c) = value.chars().find(|c| c.general_category() == GeneralCategory::Format) {
            return Err(ValueError::InvisibleCharacter { code_point: u32::from(c) });
        }
        Ok(Self { value: value.to_owned(), normalized: normalize_user_name(value) })
    }

    /// Rebuilds a userName a store wrote earlier, without re-validating it.
    pub fn restore(stored: &str) -> Self {
        Self { value: stored.to_owned(), normalized: normalize_user_name(stored) }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The form uniqueness and lookups use: trimmed, NFKC, Unicode lowercase (the column
    /// `user_name_lower`).
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

/// The key of a userName as the unique index sees it; also applied to filter values, so that
/// a lookup finds what a create would collide with. NFKC folds what only looks different
/// (composed or decomposed accents, fullwidth letters, ligatures); lowercasing can leave a
/// string that is not in NFKC (`ǅ` → `ǆ`), hence the second pass; NFKC can produce a
/// leading space (`¨` → space + combining diaeresis), hence the trim at the end. Together
/// they make the key stable under itself (a unit test checks every code point).
pub fn normalize_user_name(raw: &str) -> String {
    let lower = raw.nfkc().collect::<String>().to_lowercase();
    lower.nfkc().collect::<String>().trim().to_owned()
}

impl fmt::Debug for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// An e-mail address: a person's, or one that SCIM import notices go to.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Accepts `local@domain` with a dotted DNS domain (or a bracketed address literal).
    /// Deliberately simpler than RFC 5322: no comments, no quoted local parts with spaces.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        const EXPECTED: ValueError = ValueError::Invalid { expected: Expected::EmailAddress };
        let raw = raw.trim();
        check_text(raw, MAX_NAME_CHARS, false)?;
        let (local, domain) = raw.rsplit_once('@').ok_or(EXPECTED)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        let literal = domain.starts_with('[') && domain.ends_with(']') && domain.len() > 2;
        let domain_ok = literal || (domain.contains('.') && domain.split('.').all(label_ok));
        if local_ok && domain_ok { Ok(Self(raw.to_owned())) } else { Err(EXPECTED) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "a@example.com, b@example.com", for the activity log and the setup state.
    pub fn list(addresses: &[EmailAddress]) -> String {
        addresses.iter().map(EmailAddress::as_str).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A telephone number as directories hold them: `+41 44 000 00 00`, `(425) 555-0100 x12`,
/// `tel:+1-201-555-0123`. What matters to ENS+ is that it has digits and no letters that
/// would make it unusable for an alert; the format itself is the directory's.
pub fn validate_phone(raw: &str) -> Result<(), ValueError> {
    const EXPECTED: ValueError = ValueError::Invalid { expected: Expected::TelephoneNumber };
    check_text(raw, 64, false)?;
    let number = raw.trim();
    let number = number.strip_prefix("tel:").unwrap_or(number);
    // An extension is the only place letters may appear.
    let lower = number.to_ascii_lowercase();
    let (main, ext) =
        match ["extension", "ext.", "ext", "x", ";ext="].iter().find_map(|sep| lower.find(sep).map(|i| (i, sep.len())))
        {
            Some((i, len)) => (&lower[..i], Some(&lower[i + len..])),
            None => (lower.as_str(), None),
        };
    let digits = main.chars().filter(char::is_ascii_digit).count();
    let main_ok = main.chars().all(|c| c.is_ascii_digit() || " +-()./".contains(c));
    let ext_ok = ext.is_none_or(|e| {
        let e = e.trim();
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    if main_ok && ext_ok && (3..=20).contains(&digits) { Ok(()) } else { Err(EXPECTED) }
}

/// A preferred language: usually a tag such as `de-CH`, but directories also hold free text
/// here ("German"). Only the shape of a single short line is required: refusing the value
/// would keep the whole person out of the Person list, which matters more than the language
/// of their alerts.
pub fn validate_language_tag(raw: &str) -> Result<(), ValueError> {
    check_text(raw, 64, false)
}

/// A freshly generated secret (SCIM token or session token). It exists in memory only long
/// enough to be shown once; what is stored is its [`TokenHash`].
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    /// Wraps a secret produced by the token source (which guarantees its entropy).
    pub fn new(secret: String) -> Self {
        Self(secret)
    }

    /// For the one moment it is handed to its owner.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }

    /// The last four characters, which principals see to tell tokens apart.
    pub fn last4(&self) -> String {
        let n = self.0.chars().count();
        self.0.chars().skip(n.saturating_sub(4)).collect()
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

/// SHA-256 of a secret, hex-encoded. Secrets are high-entropy (≥ 256 bits), so a fast hash is
/// enough to make the stored form useless to a thief; lookups are by hash.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn of(secret: &str) -> Self {
        let digest = Sha256::digest(secret.as_bytes());
        let mut hex = String::with_capacity(64);
        for b in digest.iter() {
            hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            hex.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
        }
        Self(hex)
    }

    /// Re-reads a stored hash.
    pub fn parse(stored: &str) -> Result<Self, ValueError> {
        if stored.len() == 64 && stored.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(Self(stored.to_owned()))
        } else {
            Err(ValueError::Invalid { expected: Expected::Sha256Digest })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A prefix is enough to correlate; the hash is not a secret but need not be spelled out.
        write!(f, "TokenHash({}…)", &self.0[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_normalize_to_unicode_lowercase() {
        let u = UserName::parse("JDoe@Contoso.COM").expect("valid");
        assert_eq!(u.as_str(), "JDoe@Contoso.COM");
        assert_eq!(u.normalized(), "jdoe@contoso.com");
        assert_eq!(UserName::parse("ÄRGER").expect("valid").normalized(), "ärger");
        assert_eq!(UserName::parse("  "), Err(ValueError::Empty));
        assert_eq!(UserName::parse("a\u{0}b"), Err(ValueError::ControlCharacter));
        assert_eq!(UserName::parse(&"x".repeat(257)), Err(ValueError::TooLong { max: 256 }));
    }

    fn key(raw: &str) -> String {
        UserName::parse(raw).expect("valid").normalized().to_owned()
    }

    #[test]
    fn user_names_are_trimmed_of_surrounding_whitespace_nbsp_included() {
        for padded in
            [" jdoe@x.com", "jdoe@x.com ", "\u{a0}jdoe@x.com", "jdoe@x.com\u{3000}", "\u{2003} jdoe@x.com\u{202f}"]
        {
            let u = UserName::parse(padded).expect("valid");
            assert_eq!(u.as_str(), "jdoe@x.com", "{padded:?}");
            assert_eq!(u.normalized(), "jdoe@x.com", "{padded:?}");
        }
        // Inside the name a space is part of it.
        assert_eq!(UserName::parse("Jane Doe").expect("valid").as_str(), "Jane Doe");
        assert_eq!(UserName::parse("\u{a0}\u{a0}"), Err(ValueError::Empty));
    }

    #[test]
    fn user_names_refuse_invisible_format_characters_anywhere() {
        for (raw, c) in [
            ("jdoe\u{200b}@x.com", 0x200b),   // zero-width space
            ("\u{feff}jdoe@x.com", 0xfeff),   // byte-order mark / zero-width no-break space
            ("jdoe@x.com\u{200d}", 0x200d),   // zero-width joiner
            ("\u{202e}moc.x@eodj", 0x202e),   // right-to-left override
            ("jdoe\u{2066}@x.com", 0x2066),   // left-to-right isolate
            ("jd\u{ad}oe@x.com", 0xad),       // soft hyphen
            ("jdoe@x.com\u{e0041}", 0xe0041), // tag character
        ] {
            let err = UserName::parse(raw).expect_err(raw);
            assert_eq!(err, ValueError::InvisibleCharacter { code_point: c }, "{raw:?}");
        }
        let message = ValueError::InvisibleCharacter { code_point: 0x200b }.to_string();
        assert!(message.contains("U+200B") && message.contains("invisible"), "{message}");
    }

    #[test]
    fn user_names_compare_in_nfkc_regardless_of_case() {
        // NFD (e + combining acute) and NFC (é) are the same name.
        assert_eq!(key("Rene\u{301}@x.com"), key("René@x.com"));
        assert_eq!(key("RENE\u{301}@X.COM"), "rené@x.com");
        // Compatibility forms fold too: fullwidth letters, ligatures, the Kelvin sign.
        assert_eq!(key("ｊｄｏｅ@x.com"), "jdoe@x.com");
        assert_eq!(key("\u{fb01}nance@x.com"), "finance@x.com");
        assert_eq!(key("\u{212a}im@x.com"), "kim@x.com");
        // What the directory sent is kept as it was (trimmed), for Entra's comparisons.
        assert_eq!(UserName::parse("Rene\u{301}@x.com").expect("valid").as_str(), "Rene\u{301}@x.com");
        // Really different names stay different.
        assert_ne!(key("rene@x.com"), key("rené@x.com"));
        // Filter values go through the same function as the stored key.
        assert_eq!(normalize_user_name(" ＪＤＯＥ@x.com"), key("jdoe@x.com"));
    }

    #[test]
    fn the_user_name_key_is_stable_under_itself() {
        // A key fed back in (a stored key compared with a filter value normalized again) must
        // not move, or lookups would miss. Checked for every single code point.
        for c in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            let once = normalize_user_name(&c.to_string());
            assert_eq!(normalize_user_name(&once), once, "U+{:04X}", u32::from(c));
        }
        // And for letters followed by a combining mark, where composition happens.
        let bases = (0x41..=0x7a).chain(0xc0..=0x24f).chain(0x370..=0x4ff).filter_map(char::from_u32);
        for base in bases {
            for mark in (0x300..=0x36f).filter_map(char::from_u32) {
                let once = normalize_user_name(&format!("{base}{mark}"));
                assert_eq!(normalize_user_name(&once), once, "{base}{mark}");
            }
        }
    }

    #[test]
    fn email_addresses() {
        for ok in ["jdoe@contoso.com", "a.b+tag@sub.example.ch", "x@[10.0.0.1]", "müller@beispiel.de"] {
            assert!(EmailAddress::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "jdoe", "@contoso.com", "jdoe@", "jdoe@localhost", "a b@c.d", "a..b@c.d", "a@-c.d", "a@c..d"] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(EmailAddress::parse(" ops@contoso.com ").expect("trimmed").as_str(), "ops@contoso.com");
    }

    #[test]
    fn phone_numbers() {
        for ok in [
            "+41 44 000 00 00",
            "(425) 555-0100",
            "+1 425 555 0100 x12",
            "tel:+1-201-555-0123",
            "044.000.00.00",
            "+41 44 000 00 00 ext. 7",
        ] {
            assert!(validate_phone(ok).is_ok(), "{ok}");
        }
        for bad in ["", "12", "call me", "jdoe@contoso.com", "+41 44 000 00 00 ext", "0800-FLOWERS"] {
            assert!(validate_phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn language_tags_and_what_directories_hold_instead() {
        for ok in ["de-CH", "en", "en_US", "zh-Hant-TW", "German (Switzerland)"] {
            assert!(validate_language_tag(ok).is_ok(), "{ok}");
        }
        for bad in ["", "de\nCH", &"x".repeat(65)] {
            assert!(validate_language_tag(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_allows_newlines_identifiers_do_not() {
        assert!(validate_text("Main 1\n8000 Zurich").is_ok());
        assert_eq!(validate_identifier("a\nb"), Err(ValueError::ControlCharacter));
        assert_eq!(validate_text(&"é".repeat(1025)), Err(ValueError::TooLong { max: 1024 }));
        assert!(validate_text(&"é".repeat(1024)).is_ok());
    }

    #[test]
    fn secrets_hash_and_redact() {
        let s = SecretToken::new("abcdefgh".into());
        assert_eq!(s.last4(), "efgh");
        assert_eq!(format!("{s:?}"), "SecretToken(<redacted>)");
        let h = s.hash();
        assert_eq!(h.as_str(), "9c56cc51b374c3ba189210d5b6d4bf57790d351c96c47c02190ecf1e430635ab");
        assert_eq!(TokenHash::parse(h.as_str()), Ok(h.clone()));
        assert!(TokenHash::parse("xyz").is_err());
        assert!(!format!("{h:?}").contains(&h.as_str()[8..]));
    }
}

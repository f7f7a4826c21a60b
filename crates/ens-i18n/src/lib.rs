//! Message catalogues: each language's Fluent file (`.ftl`, the format translators' tools
//! read), parsed once and formatted on demand (`docs/decisions/i18n.md`). The pages and the
//! admin API (ens-http) and the notices (ens-notify-smtp) each have their own catalogue and
//! word their texts through this crate; nothing here knows HTTP or e-mail.

use std::borrow::Cow;
use std::collections::BTreeSet;

use ens_domain::{Arg, Field, Language, Said};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::FluentValue;

/// One catalogue in every language: English first (the one every other follows, and the
/// fallback for a message a translation lacks).
pub struct Catalogue {
    /// Each language's bundle, and the ids its source defines.
    bundles: Vec<(Language, FluentBundle<FluentResource>, BTreeSet<String>)>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue")
            .field("languages", &self.bundles.iter().map(|(l, _, _)| l.tag()).collect::<Vec<_>>())
            .finish()
    }
}

/// What is wrong with a catalogue's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError {
    pub language: Language,
    pub problem: String,
}

impl Catalogue {
    /// Parses every language's sources (a language may have several: its own file and
    /// [`SHARED`]'s, say). What does not parse is logged and left out (the tests'
    /// [`Catalogue::check`] fails on it); the rest is served.
    pub fn new(sources: &[(Language, &str)]) -> Catalogue {
        let bundles = by_language(sources)
            .into_iter()
            .map(|(language, source)| {
                let (bundle, problems) = bundle(language, &source);
                for problem in problems {
                    tracing::error!(language = language.tag(), %problem, "a message catalogue is faulty");
                }
                (language, bundle, ids(&source))
            })
            .collect();
        Catalogue { bundles }
    }

    /// Every problem of `sources`: syntax errors, a message defined twice, or a message one
    /// language has and another lacks.
    pub fn check(sources: &[(Language, &str)]) -> Vec<CatalogueError> {
        let mut errors = Vec::new();
        let sources = by_language(sources);
        let Some((_, english)) = sources.first() else { return errors };
        let english = ids(english);
        for (language, source) in &sources {
            let (language, source) = (*language, source.as_str());
            for problem in bundle(language, source).1 {
                errors.push(CatalogueError { language, problem });
            }
            let own = ids(source);
            for id in english.difference(&own) {
                errors.push(CatalogueError { language, problem: format!("lacks {id}") });
            }
            for id in own.difference(&english) {
                errors.push(CatalogueError { language, problem: format!("has {id}, which English lacks") });
            }
        }
        errors
    }

    fn bundle(&self, language: Language) -> Option<&FluentBundle<FluentResource>> {
        self.bundles.iter().find(|(l, _, _)| *l == language).map(|(_, b, _)| b)
    }

    /// A sentence kept as a message ([`Said`]) in `language`: its texts and numbers as they
    /// are, its moments to the minute, its fields by their labels, and the sentences within
    /// it worded first.
    pub fn say(&self, language: Language, said: &Said) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = said
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Text(t) => string(t.as_str()),
                    Arg::Number(n) => number(*n as f64),
                    Arg::Time(t) => string(t.to_minute_utc()),
                    Arg::Fields(fields) => string(self.fields(language, fields)),
                    Arg::Said(inner) => string(self.say(language, inner)),
                };
                (name.as_str(), value)
            })
            .collect();
        self.format(language, &said.id, &args)
    }

    /// Fields by their labels in `language`: "Display name, Mobile phone".
    pub fn fields(&self, language: Language, fields: &[Field]) -> String {
        fields
            .iter()
            .map(|f| self.format(language, &format!("field-{}", f.key().replace('_', "-")), &[]))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the catalogue has the message `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundles.first().is_some_and(|(_, b, _)| b.has_message(id))
    }

    /// The message `id` in `language` with `args`; in English when that language lacks it,
    /// and the id itself when the catalogue has no such message.
    pub fn format(&self, language: Language, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let args = (!args.is_empty()).then(|| {
            let mut a = FluentArgs::new();
            for (name, value) in args {
                a.set(*name, value.clone());
            }
            a
        });
        for l in [language, Language::English] {
            let Some(b) = self.bundle(l) else { continue };
            if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = b.format_pattern(pattern, args.as_ref(), &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(id, language = l.tag(), ?errors, "a message could not be formatted fully");
                }
                return text.into_owned();
            }
        }
        id.to_owned()
    }

    /// The English phrases a text in `language` must not show (the tests' list of the UI's
    /// strings): every English message whose translation differs, cut at its placeables and
    /// markup into the phrases a text would show whole (the placeables are filled with data),
    /// leaving out words too short to tell a language by.
    pub fn untranslated_phrases(&self, language: Language) -> Vec<String> {
        let Some((_, _, english)) = self.bundles.first() else { return Vec::new() };
        let mut phrases: Vec<String> = english
            .iter()
            .map(|id| self.format(Language::English, id, &[]))
            .zip(english.iter().map(|id| self.format(language, id, &[])))
            .filter(|(en, translated)| en != translated)
            .flat_map(|(en, _)| {
                let mut plain = String::new();
                let mut in_tag = false;
                for c in en.chars() {
                    match c {
                        '<' => in_tag = true,
                        '>' if in_tag => in_tag = false,
                        _ if !in_tag => plain.push(c),
                        _ => {}
                    }
                }
                plain
                    .split(['{', '}'])
                    .filter(|p| !p.starts_with('$'))
                    .map(|p| p.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|p| p.chars().filter(|c| c.is_alphabetic()).count() >= 3)
            .collect();
        phrases.sort();
        phrases.dedup();
        phrases
    }
}

/// A number as an argument: plural rules select on it.
pub fn number(n: impl Into<f64>) -> FluentValue<'static> {
    FluentValue::from(n.into())
}

/// A text as an argument.
pub fn string<'a>(s: impl Into<Cow<'a, str>>) -> FluentValue<'a> {
    FluentValue::String(s.into())
}

/// The sentences of the use cases ([`Said`]) and the words they are made of (the fields'
/// labels, what is wrong with a value): every catalogue that shows them includes these.
pub const SHARED: [(Language, &str); 2] =
    [(Language::English, include_str!("../locales/en.ftl")), (Language::German, include_str!("../locales/de.ftl"))];

/// Each language's sources as one, in the order the languages first appear.
fn by_language(sources: &[(Language, &str)]) -> Vec<(Language, String)> {
    let mut joined: Vec<(Language, String)> = Vec::new();
    for (language, source) in sources {
        match joined.iter_mut().find(|(l, _)| l == language) {
            Some((_, s)) => {
                s.push('\n');
                s.push_str(source);
            }
            None => joined.push((*language, (*source).to_owned())),
        }
    }
    joined
}

fn bundle(language: Language, source: &str) -> (FluentBundle<FluentResource>, Vec<String>) {
    let mut problems = Vec::new();
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(r, errors)| {
        problems.extend(errors.iter().map(|e| format!("syntax: {e:?}")));
        r
    });
    let id: LanguageIdentifier = language.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // The texts go into HTML, JSON and e-mail, not into bidirectional prose: no isolation marks.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        problems.extend(errors.iter().map(|e| format!("{e:?}")));
    }
    (bundle, problems)
}

/// The ids a source defines (messages start a line: `id = …`).
fn ids(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = "hello = Hello, { $name }!\npersons = { $n ->\n    [one] 1 person\n   *[other] { $n } persons\n}\nonly-english = Yes\n";
    const DE: &str =
        "hello = Hallo, { $name }!\npersons = { $n ->\n    [one] 1 Person\n   *[other] { $n } Personen\n}\n";

    #[test]
    fn formats_with_plurals_and_falls_back() {
        let c = Catalogue::new(&[(Language::English, EN), (Language::German, DE)]);
        assert_eq!(c.format(Language::German, "hello", &[("name", string("Ada"))]), "Hallo, Ada!");
        assert_eq!(c.format(Language::German, "persons", &[("n", number(1))]), "1 Person");
        assert_eq!(c.format(Language::English, "persons", &[("n", number(3))]), "3 persons");
        assert_eq!(c.format(Language::German, "only-english", &[]), "Yes");
        assert_eq!(c.format(Language::German, "nothing", &[]), "nothing");
        assert!(c.has("hello") && !c.has("nothing"));
    }

    #[test]
    fn untranslated_phrases_are_the_english_words_a_translation_replaced() {
        let c = Catalogue::new(&[(Language::English, EN), (Language::German, DE)]);
        // "only-english" has no translation (it falls back, so German shows the same).
        assert_eq!(c.untranslated_phrases(Language::German), ["Hello", "persons"]);
    }

    #[test]
    fn check_finds_what_a_translation_lacks_and_broken_syntax() {
        let errors = Catalogue::check(&[(Language::English, EN), (Language::German, DE)]);
        assert_eq!(errors, vec![CatalogueError { language: Language::German, problem: "lacks only-english".into() }]);
        let broken = Catalogue::check(&[(Language::English, "x = {"), (Language::German, "x = y\nx = z\n")]);
        assert_eq!(broken.len(), 2, "{broken:?}");
        let twice = Catalogue::check(&[(Language::English, EN), (Language::English, "hello = again")]);
        assert_eq!(twice.len(), 1, "a message in two files of one language: {twice:?}");
    }

    #[test]
    fn the_shared_sentences_are_complete_in_every_language() {
        assert_eq!(Catalogue::check(&SHARED), Vec::new());
    }

    #[test]
    fn sentences_are_worded_with_their_arguments_in_the_language_asked() {
        use ens_domain::Timestamp;
        let c = Catalogue::new(&SHARED);
        let said = Said::new("fields-changed")
            .with("fields", vec![Field::DisplayName, Field::PhoneMobile])
            .and(Said::new("silent-since").with("since", Timestamp::from_micros(0)));
        assert_eq!(
            c.say(Language::English, &said),
            "changed: Display name, Mobile phone; no SCIM request from Entra since 1970-01-01 00:00 UTC"
        );
        assert!(
            c.say(Language::German, &said).starts_with("geändert: Anzeigename, Mobiltelefon; "),
            "{}",
            c.say(Language::German, &said)
        );
        assert_eq!(c.say(Language::German, &Said::verbatim("as written")), "as written");
    }
}

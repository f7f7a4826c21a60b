//! The languages of the pages and of the admin API's messages (`docs/decisions/i18n.md`).
//!
//! Every text a principal reads is a message of a Fluent catalogue, one file per language
//! under `crates/ens-http/locales/`. The server fills the pages' HTML with them (`{{id}}`)
//! and words the admin API's problems and hints with them; the browser formats the texts
//! its scripts build with the same files (served as `/assets/messages-<tag>.ftl`) through
//! Fluent's JavaScript implementation. SCIM answers stay in English: Entra's logs are read by
//! Entra administrators everywhere, and RFC 7644 defines their wording.
//!
//! The language of a request: the principal's choice (the header's switch, kept in a
//! cookie), else the browser's `Accept-Language`, else English.

use std::sync::LazyLock;

use actix_web::HttpRequest;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use ens_domain::Language;
use ens_i18n::{Catalogue, FluentValue};
pub use ens_i18n::{number, string};
use unic_langid::LanguageIdentifier;

/// The cookie the language switch sets (not a secret; read by the pages' scripts too).
pub const LANGUAGE_COOKIE: &str = "ens_lang";

/// Each language's catalogue, as translators edit it: the pages' own messages, then the
/// shared ones (fields, values, the use cases' sentences the activity log shows).
pub const CATALOGUES: [(Language, &str); 4] = [
    (Language::English, include_str!("../locales/en.ftl")),
    (Language::German, include_str!("../locales/de.ftl")),
    ens_i18n::SHARED[0],
    ens_i18n::SHARED[1],
];

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::new(&CATALOGUES));

/// Whether `id` is a message of the catalogue.
pub fn exists(id: &str) -> bool {
    CATALOGUE.has(id)
}

/// The message `id` in `language` with `args` (English when that language lacks it).
pub fn text_with(language: Language, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    CATALOGUE.format(language, id, args)
}

/// A sentence of the use cases in `language`.
pub fn say_in(language: Language, said: &ens_domain::Said) -> String {
    CATALOGUE.say(language, said)
}

/// A sentence of the use cases in the language of the request being answered.
pub fn say(said: &ens_domain::Said) -> String {
    say_in(current(), said)
}

/// Fields by their labels, in the language of the request being answered.
pub fn fields(fields: &[ens_domain::Field]) -> String {
    CATALOGUE.fields(current(), fields)
}

/// The message `id` in `language`.
pub fn text(language: Language, id: &str) -> String {
    text_with(language, id, &[])
}

/// The message `id` in the language of the request being answered.
pub fn t(id: &str) -> String {
    text(current(), id)
}

/// The message `id` with `args` in the language of the request being answered.
pub fn t_with(id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    text_with(current(), id, args)
}

/// The UI's strings a page in `language` must not show (`Catalogue::untranslated_phrases`).
pub fn untranslated_phrases(language: Language) -> Vec<String> {
    CATALOGUE.untranslated_phrases(language)
}

/// Fills every `{{id}}` of `template` whose id is a message with that message in `language`
/// (page catalogue entries may hold inline HTML such as `<strong>`); other `{{…}}` are left.
pub fn fill(template: &str, language: Language) -> String {
    let mut out = String::with_capacity(template.len() + template.len() / 4);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) if exists(&after[..end]) => {
                // A message may stand in an attribute's quotes.
                out.push_str(&text(language, &after[..end]).replace('"', "&quot;"));
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The language a request asks for: the cookie the switch sets, else `Accept-Language`
/// (negotiated against the languages ENS+ speaks), else English.
pub fn of_request(cookie: Option<&str>, accept_language: Option<&str>) -> Language {
    if let Some(l) = cookie.and_then(Language::from_tag) {
        return l;
    }
    let Some(accept) = accept_language else { return Language::English };
    let requested = fluent_langneg::accepted_languages::parse(accept);
    let available: Vec<LanguageIdentifier> = Language::ALL.iter().filter_map(|l| l.tag().parse().ok()).collect();
    let default: LanguageIdentifier = Language::English.tag().parse().unwrap_or_default();
    let chosen = fluent_langneg::negotiate_languages(
        &requested,
        &available,
        Some(&default),
        fluent_langneg::NegotiationStrategy::Lookup,
    );
    chosen.first().and_then(|id| Language::from_tag(id.language.as_str())).unwrap_or_default()
}

/// The language of an actix request.
pub fn language_of(req: &HttpRequest) -> Language {
    let cookie = req.cookie(LANGUAGE_COOKIE);
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    of_request(cookie.as_ref().map(|c| c.value()), accept.as_deref())
}

tokio::task_local! {
    static CURRENT: Language;
}

/// The language of the request this task answers (English outside one).
pub fn current() -> Language {
    CURRENT.try_with(|l| *l).unwrap_or_default()
}

/// `f`, to run on another thread in the language of the request this task answers.
pub fn carried<R>(f: impl FnOnce() -> R + Send) -> impl FnOnce() -> R + Send {
    let language = current();
    move || CURRENT.sync_scope(language, f)
}

/// Middleware: the handler and the conversion of its errors into problems run knowing the
/// request's language, so that a problem is worded in it wherever it is made.
pub(crate) async fn speak(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let language = language_of(req.request());
    CURRENT.scope(language, next.call(req)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message parses, once, in every language.
    #[test]
    fn the_catalogues_are_whole() {
        let problems = Catalogue::check(&CATALOGUES);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn the_request_language() {
        assert_eq!(of_request(None, None), Language::English);
        assert_eq!(of_request(None, Some("de-CH,de;q=0.9,en;q=0.8")), Language::German);
        assert_eq!(of_request(None, Some("fr-FR,fr;q=0.9,de;q=0.5")), Language::German);
        assert_eq!(of_request(None, Some("fr-FR,ja")), Language::English);
        assert_eq!(of_request(None, Some("en-US,de;q=0.5")), Language::English);
        // The principal's choice wins over the browser's.
        assert_eq!(of_request(Some("en"), Some("de")), Language::English);
        assert_eq!(of_request(Some("de"), None), Language::German);
        assert_eq!(of_request(Some("xx"), Some("de")), Language::German);
    }

    #[test]
    fn fill_replaces_messages_only() {
        let html = "<h1>{{layout-persons}}</h1>{{main}}{{ nope";
        assert_eq!(
            fill(html, Language::German),
            format!("<h1>{}</h1>{{{{main}}}}{{{{ nope", text(Language::German, "layout-persons"))
        );
        assert_ne!(text(Language::German, "layout-persons"), text(Language::English, "layout-persons"));
    }

    #[test]
    fn missing_messages_fall_back() {
        assert_eq!(text(Language::German, "no-such-message"), "no-such-message");
    }
}

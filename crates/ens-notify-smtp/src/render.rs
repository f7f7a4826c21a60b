//! The words of each notice, as plain text and as HTML.
//!
//! Each notice is written once, as a few blocks (paragraphs, headings, lists, a quoted
//! reason, links), and both bodies are produced from those blocks, so the two parts never
//! say different things. Everything taken from the notice is escaped in the HTML part.

use std::fmt::Write as _;
use std::sync::LazyLock;

use ens_i18n::{Catalogue, string};
use ens_ports::{Language, Notice, NoticeKind, Said};

/// A rendered notice: the subject line and the two bodies of a `multipart/alternative` mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    /// `text/plain`, wrapped at 72 columns (long links stay whole).
    pub text: String,
    /// `text/html`, a complete document with inline styles.
    pub html: String,
}

/// The notices' words in each language (`crates/ens-notify-smtp/locales/`): Fluent files, as
/// the pages' are. In the catalogue, `<strong>…</strong>` marks emphasis; the arguments (an
/// enterprise's name, a link) are pieces of their own and never read as markup.
/// The shared catalogue words the reason and examples a notice quotes.
pub const CATALOGUES: [(Language, &str); 4] = [
    (Language::English, include_str!("../locales/en.ftl")),
    (Language::German, include_str!("../locales/de.ftl")),
    ens_i18n::SHARED[0],
    ens_i18n::SHARED[1],
];

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::new(&CATALOGUES));

/// Renders `notice` in words an enterprise administrator understands, in its language.
pub fn render(notice: &Notice) -> Rendered {
    let w = Words { n: notice };
    let (subject, blocks) = match notice.kind {
        NoticeKind::ImportSwitchedOff => switched_off(&w),
        NoticeKind::MassDeactivationHeld => held(&w),
        NoticeKind::ProvisioningSilent => silent(&w),
        NoticeKind::Test => test(&w),
        NoticeKind::InactivePurged => purged(&w),
    };
    let subject = one_line(&subject);
    Rendered { text: to_text(&blocks), html: to_html(&subject, &blocks), subject }
}

/// A notice's words: its catalogue messages in its language, with its facts as arguments.
struct Words<'a> {
    n: &'a Notice,
}

/// An argument of a message: a text, or a link.
enum Piece<'a> {
    Text(&'a str),
    Link(&'a str),
}

impl Words<'_> {
    /// The message `id` as plain text (subjects, headings, small print).
    fn plain(&self, id: &str, args: &[(&str, &str)]) -> String {
        let args: Vec<_> = args.iter().map(|(k, v)| (*k, string(*v))).collect();
        CATALOGUE.format(self.n.language, id, &args)
    }

    /// The message `id` as inline pieces: its `<strong>` marks emphasis; each argument stays
    /// one piece (strong inside `<strong>`), whatever it holds.
    fn says(&self, id: &str, args: &[(&str, Piece<'_>)]) -> Vec<Inline> {
        const MARK: char = '\u{1}';
        let marked: Vec<_> =
            args.iter().enumerate().map(|(i, (k, _))| (*k, string(format!("{MARK}{i}{MARK}")))).collect();
        let formatted = CATALOGUE.format(self.n.language, id, &marked);
        let mut out = Vec::new();
        let mut bold = false;
        for (i, part) in formatted.split(MARK).enumerate() {
            if i % 2 == 1 {
                match part.parse::<usize>().ok().and_then(|k| args.get(k)).map(|(_, p)| p) {
                    Some(Piece::Link(url)) => out.push(link(url)),
                    Some(Piece::Text(t)) if bold => out.push(strong(*t)),
                    Some(Piece::Text(t)) => out.push(text(*t)),
                    None => out.push(text(part)),
                }
                continue;
            }
            let mut rest = part;
            while !rest.is_empty() {
                let tag = if bold { "</strong>" } else { "<strong>" };
                let (before, after) = rest.split_once(tag).map_or((rest, None), |(b, a)| (b, Some(a)));
                if !before.is_empty() {
                    out.push(if bold { strong(before) } else { text(before) });
                }
                match after {
                    Some(a) => {
                        bold = !bold;
                        rest = a;
                    }
                    None => rest = "",
                }
            }
        }
        out
    }

    fn para(&self, id: &str, args: &[(&str, Piece<'_>)]) -> Block {
        Block::Para(self.says(id, args))
    }

    fn heading(&self, id: &str) -> Block {
        Block::Heading(self.plain(id, &[]))
    }

    fn name(&self) -> Piece<'_> {
        Piece::Text(&self.n.enterprise_name)
    }

    fn url(&self) -> Piece<'_> {
        Piece::Link(&self.n.setup_url)
    }

    /// When it happened: `Friday, 28 November 2025 at 22:10 UTC (2025-11-28T22:10:51.123456Z)`.
    fn when(&self) -> String {
        let t = self.n.occurred_at;
        let dt = t.to_datetime();
        let weekday = self.plain(&format!("weekday-{}", dt.weekday().number_from_monday()), &[]);
        let month = self.plain(&format!("month-{}", u8::from(dt.month())), &[]);
        self.plain(
            "notice-when",
            &[
                ("weekday", &weekday),
                ("day", &dt.day().to_string()),
                ("month", &month),
                ("year", &dt.year().to_string()),
                ("time", &format!("{:02}:{:02}", dt.hour(), dt.minute())),
                ("iso", &t.to_rfc3339()),
            ],
        )
    }

    /// A sentence the use cases kept ([`Said`]), in the notice's language.
    fn said(&self, said: &Said) -> String {
        CATALOGUE.say(self.n.language, said)
    }

    fn reason(&self) -> Block {
        let r = self.said(&self.n.reason);
        Block::Quote(if r.trim().is_empty() { self.plain("notice-no-details", &[]) } else { r })
    }

    fn examples(&self) -> Block {
        Block::Bullets(self.n.examples.iter().map(|e| vec![text(self.said(e))]).collect())
    }

    fn footer(&self) -> Block {
        Block::Footer(vec![
            self.plain("notice-footer-why", &[("name", &self.n.enterprise_name)]),
            self.plain("notice-footer-id", &[("id", &self.n.id.to_string())]),
        ])
    }

    fn subject(&self, id: &str) -> String {
        self.plain(id, &[("name", &self.n.enterprise_name)])
    }
}

fn switched_off(w: &Words<'_>) -> (String, Vec<Block>) {
    let when = w.when();
    let blocks = vec![
        w.para("notice-hello", &[]),
        w.para("notice-switched-off-intro", &[("name", w.name()), ("when", Piece::Text(&when))]),
        w.heading("notice-what-failed"),
        w.reason(),
        w.heading("notice-why-switched-off"),
        w.para("notice-switched-off-why", &[]),
        w.para("notice-nothing-lost", &[]),
        w.heading("notice-what-to-do"),
        Block::Steps(vec![
            w.says("notice-switched-off-step-fix", &[]),
            w.says("notice-switched-off-step-on", &[("url", w.url())]),
        ]),
        w.footer(),
    ];
    (w.subject("notice-switched-off-subject"), blocks)
}

fn held(w: &Words<'_>) -> (String, Vec<Block>) {
    let when = w.when();
    let mut blocks = vec![
        w.para("notice-hello", &[]),
        w.para("notice-held-intro", &[("name", w.name()), ("when", Piece::Text(&when))]),
        w.heading("notice-what-happened"),
        w.reason(),
    ];
    if !w.n.examples.is_empty() {
        blocks.extend([w.heading("notice-examples"), w.para("notice-held-examples-lead", &[]), w.examples()]);
    }
    blocks.extend([
        w.heading("notice-what-to-do"),
        w.para("notice-held-open", &[("url", w.url())]),
        Block::Bullets(vec![w.says("notice-held-really-left", &[]), w.says("notice-held-mistake", &[])]),
        w.para("notice-held-nothing-lost", &[]),
        w.footer(),
    ]);
    (w.subject("notice-held-subject"), blocks)
}

fn purged(w: &Words<'_>) -> (String, Vec<Block>) {
    let when = w.when();
    let mut blocks = vec![
        w.para("notice-hello", &[]),
        w.para("notice-purged-intro", &[("name", w.name()), ("when", Piece::Text(&when))]),
        w.reason(),
    ];
    if !w.n.examples.is_empty() {
        blocks.extend([w.heading("notice-examples"), w.examples()]);
    }
    blocks.extend([w.para("notice-purged-log", &[]), w.para("notice-purged-rule", &[("url", w.url())]), w.footer()]);
    (w.subject("notice-purged-subject"), blocks)
}

fn silent(w: &Words<'_>) -> (String, Vec<Block>) {
    let when = w.when();
    let mut blocks = vec![
        w.para("notice-hello", &[]),
        w.para("notice-silent-intro", &[("name", w.name()), ("when", Piece::Text(&when))]),
    ];
    let reason = w.said(&w.n.reason);
    if !reason.trim().is_empty() {
        blocks.extend([w.heading("notice-details"), Block::Quote(reason)]);
    }
    blocks.extend([
        w.heading("notice-silent-where"),
        w.para("notice-silent-open", &[]),
        Block::Bullets(vec![
            w.says("notice-silent-status", &[]),
            w.says("notice-silent-quarantine", &[]),
            w.says("notice-silent-logs", &[]),
        ]),
        w.para("notice-silent-restart", &[]),
        w.para("notice-silent-setup", &[("url", w.url())]),
        w.footer(),
    ]);
    (w.subject("notice-silent-subject"), blocks)
}

fn test(w: &Words<'_>) -> (String, Vec<Block>) {
    let when = w.when();
    let blocks = vec![
        w.para("notice-hello", &[]),
        w.para("notice-test-intro", &[("name", w.name()), ("when", Piece::Text(&when))]),
        w.para("notice-test-arrived", &[("recipient", Piece::Text(w.n.recipient.as_str()))]),
        w.para("notice-test-no-action", &[("url", w.url())]),
        w.footer(),
    ];
    (w.subject("notice-test-subject"), blocks)
}

/// A header-safe subject: no control characters, single spaces.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

enum Inline {
    Text(String),
    Strong(String),
    Link(String),
}

fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

fn link(url: &str) -> Inline {
    Inline::Link(url.trim().to_owned())
}

enum Block {
    Para(Vec<Inline>),
    Heading(String),
    /// A numbered list.
    Steps(Vec<Vec<Inline>>),
    Bullets(Vec<Vec<Inline>>),
    /// Text from elsewhere (the reason), kept line by line.
    Quote(String),
    /// The small print at the end, one paragraph per line.
    Footer(Vec<String>),
}

const WIDTH: usize = 72;

fn to_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Para(inlines) => wrap_into(&mut out, &plain(inlines), "", ""),
            Block::Heading(h) => {
                out.push_str(h);
                out.push('\n');
                out.push_str(&"-".repeat(h.chars().count()));
                out.push('\n');
                continue; // no blank line between a heading and what it heads
            }
            Block::Steps(items) => {
                for (i, item) in items.iter().enumerate() {
                    let first = format!("{}. ", i + 1);
                    let rest = " ".repeat(first.len());
                    wrap_into(&mut out, &plain(item), &first, &rest);
                }
            }
            Block::Bullets(items) => {
                for item in items {
                    wrap_into(&mut out, &plain(item), "- ", "  ");
                }
            }
            Block::Quote(q) => {
                for line in q.lines() {
                    wrap_into(&mut out, line, "    ", "    ");
                }
            }
            Block::Footer(lines) => {
                out.push_str("-- \n");
                for line in lines {
                    wrap_into(&mut out, line, "", "");
                }
            }
        }
        out.push('\n');
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

fn plain(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(s) | Inline::Strong(s) | Inline::Link(s) => s.as_str(),
        })
        .collect()
}

/// Greedy word wrap; a word longer than the line (a link) gets a line of its own.
fn wrap_into(out: &mut String, s: &str, first_indent: &str, indent: &str) {
    let mut line = first_indent.to_owned();
    let mut line_len = line.chars().count();
    let mut empty = true;
    for word in s.split_whitespace() {
        let len = word.chars().count();
        if !empty && line_len + 1 + len > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = indent.to_owned();
            line_len = line.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            line_len += 1;
        }
        line.push_str(word);
        line_len += len;
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn to_html(subject: &str, blocks: &[Block]) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>\n</head>", escape(subject));
    out.push_str(
        "<body style=\"margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;\
         line-height:1.5;color:#1a1a1a;\">\n<div style=\"max-width:640px;\">\n",
    );
    for block in blocks {
        match block {
            Block::Para(inlines) => {
                let _ = writeln!(out, "<p>{}</p>", html_inlines(inlines));
            }
            Block::Heading(h) => {
                let _ = writeln!(out, "<h2 style=\"font-size:17px;margin:24px 0 8px;\">{}</h2>", escape(h));
            }
            Block::Steps(items) => list(&mut out, "ol", items),
            Block::Bullets(items) => list(&mut out, "ul", items),
            Block::Quote(q) => {
                let lines: Vec<String> = q.lines().map(escape).collect();
                let _ = writeln!(
                    out,
                    "<blockquote style=\"margin:0;padding:8px 12px;border-left:4px solid #b00020;\
                     background:#f6f6f6;\">{}</blockquote>",
                    lines.join("<br>\n")
                );
            }
            Block::Footer(lines) => {
                out.push_str("<hr style=\"border:none;border-top:1px solid #ddd;margin-top:32px;\">\n");
                for line in lines {
                    let _ = writeln!(out, "<p style=\"font-size:12px;color:#666;margin:4px 0;\">{}</p>", escape(line));
                }
            }
        }
    }
    out.push_str("</div>\n</body>\n</html>\n");
    out
}

fn list(out: &mut String, tag: &str, items: &[Vec<Inline>]) {
    let _ = writeln!(out, "<{tag}>");
    for item in items {
        let _ = writeln!(out, "<li>{}</li>", html_inlines(item));
    }
    let _ = writeln!(out, "</{tag}>");
}

fn html_inlines(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(s) => out.push_str(&escape(s)),
            Inline::Strong(s) => {
                let _ = write!(out, "<strong>{}</strong>", escape(s));
            }
            // Only web links become anchors; anything else is shown, not followed.
            Inline::Link(url) if is_web_url(url) => {
                let _ = write!(out, "<a href=\"{0}\">{0}</a>", escape(url));
            }
            Inline::Link(url) => out.push_str(&escape(url)),
        }
    }
    out
}

fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && !url.chars().any(char::is_whitespace)
}

/// Escapes text for HTML element content and double- or single-quoted attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {

    use ens_ports::{EmailAddress, EnterpriseId, IncidentId, NoticeId, Timestamp};
    use uuid::Uuid;

    use super::*;

    fn notice(kind: NoticeKind) -> Notice {
        Notice {
            id: NoticeId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0042)),
            kind,
            enterprise_id: EnterpriseId::from_uuid(Uuid::from_u128(7)),
            enterprise_name: "Contoso".into(),
            incident: Some(IncidentId::from_uuid(Uuid::from_u128(9))),
            recipient: EmailAddress::parse("alerts@contoso.com").unwrap(),
            occurred_at: Timestamp::from_micros(1_764_367_851_123_456),
            reason: Said::new("request-failed-about")
                .with("request", "PATCH /Users/{id}")
                .with("user", "jane@contoso.com")
                .with(
                    "reason",
                    Said::new("field-error-invalid")
                        .with("field", vec![ens_ports::Field::PhoneMobile])
                        .with(
                            "error",
                            ens_ports::ValueError::Invalid { expected: ens_ports::Expected::TelephoneNumber }.said(),
                        )
                        .with("value", "+1 555 0100 ext 7"),
                ),
            setup_url: "https://ens.example.com/setup/scim-import".into(),
            examples: Vec::new(),
            language: Language::English,
        }
    }

    /// The words, whatever the line breaks.
    fn flat(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn switched_off_says_what_when_why_and_what_to_do() {
        let r = render(&notice(NoticeKind::ImportSwitchedOff));
        assert_eq!(r.subject, "ENS+ SCIM import for Contoso was switched off");
        for body in [&flat(&r.text), &flat(&r.html)] {
            assert!(body.contains("Contoso"), "{body}");
            assert!(body.contains("Friday, 28 November 2025 at 22:10 UTC"), "{body}");
            assert!(body.contains("2025-11-28T22:10:51.123456Z"), "{body}");
            assert!(body.contains("silently incomplete"), "{body}");
            assert!(body.contains("keeps the changes it could not deliver and retries them"), "{body}");
            assert!(body.contains("contact ENS+ support"), "{body}");
            assert!(body.contains("Setup › SCIM Import"), "{body}");
            assert!(body.contains("https://ens.example.com/setup/scim-import"), "{body}");
            assert!(body.contains("01930000-0000-7000-8000-000000000042"), "{body}");
        }
        assert!(r.text.contains("Mobile phone is not a telephone number"), "{}", r.text);
        assert!(r.text.contains("“+1 555 0100 ext 7”"), "{}", r.text);
        assert!(r.html.contains("(jane@contoso.com) could not be completed"), "{}", r.html);
        assert!(r.html.contains("<a href=\"https://ens.example.com/setup/scim-import\">"), "{}", r.html);
    }

    #[test]
    fn silence_points_to_the_provisioning_page_of_entra() {
        let mut n = notice(NoticeKind::ProvisioningSilent);
        n.reason = Said::verbatim("");
        let r = render(&n);
        assert!(r.subject.contains("Contoso") && r.subject.contains("stopped provisioning"), "{}", r.subject);
        for body in [&flat(&r.text), &flat(&r.html)] {
            assert!(body.contains("no SCIM request"), "{body}");
            assert!(body.contains("2025-11-28T22:10:51.123456Z"), "{body}");
            for word in ["Provisioning status", "Quarantine", "Provisioning logs", "Restart provisioning"] {
                assert!(body.contains(word), "{word}: {body}");
            }
            assert!(body.contains("https://ens.example.com/setup/scim-import"), "{body}");
            assert!(!body.contains("Details"), "an empty reason adds no section: {body}");
        }
        n.reason = Said::verbatim("Last request: GET /Users");
        let text = render(&n).text;
        assert!(text.contains("\nDetails\n-------\n    Last request: GET /Users\n"), "{text}");
    }

    #[test]
    fn a_held_mass_deactivation_names_examples_and_both_choices() {
        let mut n = notice(NoticeKind::MassDeactivationHeld);
        let jane = Said::new("departure-named")
            .with("name", "Jane <Doe>")
            .with("user", "jane@contoso.com")
            .with("action", "deactivated");
        n.reason = Said::new("hold")
            .with("attempted", 21u64)
            .with("minutes", 60u32)
            .with("threshold", 20u64)
            .with("applied", 20u64)
            .with("held", jane.clone());
        n.examples = vec![jane, Said::new("departure").with("user", "bob@contoso.com").with("action", "deleted")];
        let r = render(&n);
        assert!(r.subject.contains("held a mass deactivation") && r.subject.contains("Contoso"), "{}", r.subject);
        for body in [&flat(&r.text), &flat(&r.html)] {
            assert!(body.contains("21 persons"), "{body}");
            assert!(body.contains("Allow these changes and switch on"), "{body}");
            assert!(body.contains("fix the assignment"), "{body}");
            assert!(body.contains("bob@contoso.com, deleted"), "{body}");
            assert!(body.contains("https://ens.example.com/setup/scim-import"), "{body}");
        }
        assert!(r.text.contains("- Jane <Doe> (jane@contoso.com), deactivated"), "{}", r.text);
        assert!(r.html.contains("Jane &lt;Doe&gt;"), "{}", r.html);
    }

    #[test]
    fn a_purge_says_how_many_names_examples_and_where_the_rule_is() {
        let mut n = notice(NoticeKind::InactivePurged);
        n.reason = Said::new("purged").with("count", 3u64).with("days", 90u32);
        n.examples = vec![Said::new("person-named").with("name", "Jane Doe").with("user", "jane@contoso.com")];
        let r = render(&n);
        assert_eq!(r.subject, "ENS+ deleted long-inactive persons of Contoso");
        for body in [&flat(&r.text), &flat(&r.html)] {
            assert!(body.contains("3 SCIM persons inactive for more than 90 days"), "{body}");
            assert!(body.contains("Jane Doe (jane@contoso.com)"), "{body}");
            assert!(body.contains("creates the person anew"), "{body}");
            assert!(body.contains("https://ens.example.com/setup/scim-import"), "{body}");
        }
    }

    #[test]
    fn test_notice_names_the_address() {
        let r = render(&notice(NoticeKind::Test));
        assert_eq!(r.subject, "ENS+ test notice for Contoso");
        assert!(r.text.contains("alerts@contoso.com"), "{}", r.text);
        assert!(flat(&r.text).contains("will arrive at this address"), "{}", r.text);
        assert!(r.html.contains("alerts@contoso.com"), "{}", r.html);
    }

    #[test]
    fn the_catalogues_are_whole() {
        let problems = Catalogue::check(&CATALOGUES);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// Every notice in German: German words, the date in German, and no English sentence of
    /// the English catalogue left in it.
    #[test]
    fn notices_in_german() {
        // Sentences, not words: a notice quotes data (the reason) and names UTC in both.
        let english: Vec<String> = CATALOGUE
            .untranslated_phrases(Language::German)
            .into_iter()
            .filter(|p| p.split_whitespace().count() >= 3)
            .collect();
        assert!(english.len() > 30, "the list of English sentences: {}", english.len());
        for kind in NoticeKind::ALL {
            let mut n = notice(kind);
            n.language = Language::German;
            n.examples = vec![
                Said::new("departure-named")
                    .with("name", "Jane Doe")
                    .with("user", "jane@contoso.com")
                    .with("action", "deactivated"),
            ];
            let r = render(&n);
            assert!(r.subject.contains("Contoso") && !r.subject.contains(" for "), "{}", r.subject);
            for body in [&flat(&r.text), &flat(&r.html)] {
                assert!(body.contains("Guten Tag,"), "{kind:?}: {body}");
                assert!(body.contains("Freitag, 28. November 2025 um 22:10 UTC"), "{kind:?}: {body}");
                assert!(body.contains("Benachrichtigungs-ID: 01930000-0000-7000-8000-000000000042"), "{body}");
                for sentence in &english {
                    assert!(!body.contains(sentence.as_str()), "{kind:?}: English {sentence:?} in {body}");
                }
            }
        }
        let mut n = notice(NoticeKind::ImportSwitchedOff);
        n.language = Language::German;
        let r = render(&n);
        assert_eq!(r.subject, "Der ENS+ SCIM-Import für Contoso wurde ausgeschaltet");
        // The reason it quotes is worded in German too, whatever it nests.
        assert!(
            flat(&r.text).contains("(jane@contoso.com) konnte nicht ausgeführt werden: Mobiltelefon ist ungültig"),
            "{}",
            r.text
        );
        assert!(r.html.contains("<strong>Einrichtung › SCIM-Import</strong>"), "{}", r.html);
    }

    /// What a notice carries is never read as the catalogue's markup.
    #[test]
    fn arguments_are_not_markup() {
        let mut n = notice(NoticeKind::Test);
        n.enterprise_name = "A</strong>B<strong>C".into();
        let r = render(&n);
        assert!(r.html.contains("<strong>A&lt;/strong&gt;B&lt;strong&gt;C</strong>"), "{}", r.html);
    }

    #[test]
    fn html_escapes_everything_taken_from_the_notice() {
        let mut n = notice(NoticeKind::ImportSwitchedOff);
        n.enterprise_name = "<script>alert('x')</script> & Co".into();
        n.reason = Said::verbatim("<img src=x onerror=alert(1)>\nsecond line");
        n.setup_url = "https://ens.example.com/setup?a=1&b=\"><script>".into();
        let r = render(&n);
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(!r.html.contains("<img"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"), "{}", r.html);
        assert!(r.html.contains("&lt;img src=x onerror=alert(1)&gt;<br>\nsecond line"), "{}", r.html);
        assert!(r.html.contains("href=\"https://ens.example.com/setup?a=1&amp;b=&quot;&gt;&lt;script&gt;\""));
        // The text part is not HTML: it says exactly what happened.
        assert!(flat(&r.text).contains("<script>alert('x')</script> & Co"), "{}", r.text);
    }

    #[test]
    fn only_web_links_become_anchors() {
        let mut n = notice(NoticeKind::Test);
        n.setup_url = "javascript:alert(1)".into();
        let r = render(&n);
        assert!(!r.html.contains("<a "), "{}", r.html);
        assert!(r.html.contains("javascript:alert(1)"), "{}", r.html);
    }

    #[test]
    fn subject_is_one_line() {
        let mut n = notice(NoticeKind::ImportSwitchedOff);
        n.enterprise_name = "Evil\r\nBcc: victim@example.com\tCo".into();
        let r = render(&n);
        assert_eq!(r.subject, "ENS+ SCIM import for Evil Bcc: victim@example.com Co was switched off");
    }

    #[test]
    fn text_is_wrapped_but_links_stay_whole() {
        let mut n = notice(NoticeKind::ImportSwitchedOff);
        n.setup_url = format!("https://ens.example.com/{}", "x".repeat(100));
        let r = render(&n);
        for line in r.text.lines() {
            assert!(line.chars().count() <= WIDTH || line.trim_start().starts_with("https://"), "{line:?}");
        }
        assert!(r.text.lines().any(|l| l.trim() == n.setup_url), "{}", r.text);
        assert!(r.text.ends_with("\nNotice id: 01930000-0000-7000-8000-000000000042\n"), "{}", r.text);
        assert!(r.text.contains("\n-- \n"), "footer after a signature separator: {}", r.text);
    }

    #[test]
    fn escape_covers_the_five_characters() {
        assert_eq!(escape("a&b<c>d\"e'f › g"), "a&amp;b&lt;c&gt;d&quot;e&#39;f › g");
    }
}

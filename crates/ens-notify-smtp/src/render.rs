//! The words of each notice, as plain text and as HTML.
//!
//! Each notice is written once, as a few blocks (paragraphs, headings, lists, a quoted
//! reason, links), and both bodies are produced from those blocks, so the two parts never
//! say different things. Everything taken from the notice is escaped in the HTML part.

use std::fmt::Write as _;

use ens_ports::{Notice, NoticeKind, Timestamp};

/// A rendered notice: the subject line and the two bodies of a `multipart/alternative` mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    /// `text/plain`, wrapped at 72 columns (long links stay whole).
    pub text: String,
    /// `text/html`, a complete document with inline styles.
    pub html: String,
}

/// Renders `notice` in words an enterprise administrator understands.
pub fn render(notice: &Notice) -> Rendered {
    let (subject, blocks) = match notice.kind {
        NoticeKind::ImportSwitchedOff => switched_off(notice),
        NoticeKind::MassDeactivationHeld => held(notice),
        NoticeKind::ProvisioningSilent => silent(notice),
        NoticeKind::Test => test(notice),
        NoticeKind::InactivePurged => purged(notice),
    };
    let subject = one_line(&subject);
    Rendered { text: to_text(&blocks), html: to_html(&subject, &blocks), subject }
}

const SETUP_PAGE: &str = "Setup › SCIM Import";

fn switched_off(n: &Notice) -> (String, Vec<Block>) {
    let name = &n.enterprise_name;
    let subject = format!("ENS+ SCIM import for {name} was switched off");
    let blocks = vec![
        Block::Para(vec![text("Hello,")]),
        Block::Para(vec![
            text("ENS+ switched off SCIM import for "),
            strong(name),
            text(format!(" on {}.", when(n.occurred_at))),
        ]),
        Block::Heading("What failed".into()),
        Block::Quote(reason_or_default(&n.reason)),
        Block::Heading("Why import was switched off".into()),
        Block::Para(vec![text(
            "ENS+ could not apply a change that Microsoft Entra ID sent. Rather than carry on with a Person \
             list that is silently incomplete, ENS+ switched SCIM import off. While it is off, changes made \
             in Entra ID do not reach the ENS+ Person list.",
        )]),
        Block::Para(vec![text(
            "Nothing is lost: Microsoft Entra ID keeps the changes it could not deliver and retries them. \
             They arrive once SCIM import is switched on again.",
        )]),
        Block::Heading("What to do".into()),
        Block::Steps(vec![
            vec![text(
                "Fix the cause described above. If you cannot tell what to do, contact ENS+ support and \
                 quote the notice id at the end of this e-mail.",
            )],
            vec![text("Switch SCIM import on again at "), strong(SETUP_PAGE), text(": "), link(&n.setup_url)],
        ]),
        footer(n),
    ];
    (subject, blocks)
}

fn held(n: &Notice) -> (String, Vec<Block>) {
    let name = &n.enterprise_name;
    let subject = format!("ENS+ held a mass deactivation for {name}: SCIM import is switched off");
    let mut blocks = vec![
        Block::Para(vec![text("Hello,")]),
        Block::Para(vec![
            text("On "),
            text(when(n.occurred_at)),
            text(", Microsoft Entra ID tried to take many persons of "),
            strong(name),
            text(
                " off the ENS+ alert list at once (by deactivating or deleting them). ENS+ held the change that \
                 would have crossed your limit and switched SCIM import off, so that these persons keep being \
                 alerted until you decide.",
            ),
        ]),
        Block::Heading("What happened".into()),
        Block::Quote(reason_or_default(&n.reason)),
    ];
    if !n.examples.is_empty() {
        blocks.push(Block::Heading("Examples".into()));
        blocks.push(Block::Para(vec![text(
            "The first is the change ENS+ held (not applied); the others were applied before it, newest first:",
        )]));
        blocks.push(Block::Bullets(n.examples.iter().map(|e| vec![text(e.as_str())]).collect()));
    }
    blocks.extend([
        Block::Heading("What to do".into()),
        Block::Para(vec![
            text("Open "),
            strong(SETUP_PAGE),
            text(" ("),
            link(&n.setup_url),
            text(") and choose one of:"),
        ]),
        Block::Bullets(vec![
            vec![
                strong("These persons really left"),
                text(
                    " (a reorganisation, a site closing): choose \"Allow these changes and switch on\". The limit \
                     is lifted for one window, and Entra's retries of the held changes are applied.",
                ),
            ],
            vec![
                strong("It was a mistake"),
                text(
                    " (a group removed from the application, a scoping filter changed): keep SCIM import off, fix \
                     the assignment in Microsoft Entra ID (Enterprise applications › the ENS+ application › Users \
                     and groups, or Provisioning › Mappings › Scoping), then switch SCIM import on. Entra then no \
                     longer sends the held changes, and puts back the persons deactivated before the hold in its \
                     next cycle.",
                ),
            ],
        ]),
        Block::Para(vec![text(
            "Nothing is lost either way: Microsoft Entra ID keeps the changes ENS+ refused and retries them. While \
             SCIM import is off, no change made in Entra ID reaches the ENS+ Person list.",
        )]),
        footer(n),
    ]);
    (subject, blocks)
}

fn purged(n: &Notice) -> (String, Vec<Block>) {
    let name = &n.enterprise_name;
    let subject = format!("ENS+ deleted long-inactive persons of {name}");
    let mut blocks = vec![
        Block::Para(vec![text("Hello,")]),
        Block::Para(vec![
            text("As the rule set for "),
            strong(name),
            text(format!(
                " at {SETUP_PAGE} says, ENS+ housekeeping deleted persons from the Person list on {}: persons \
                 that Microsoft Entra ID had deactivated long ago and never deleted.",
                when(n.occurred_at)
            )),
        ]),
        Block::Quote(reason_or_default(&n.reason)),
    ];
    if !n.examples.is_empty() {
        blocks.push(Block::Heading("Examples".into()));
        blocks.push(Block::Bullets(n.examples.iter().map(|e| vec![text(e.as_str())]).collect()));
    }
    blocks.extend([
        Block::Para(vec![text(
            "Each deletion is in the SCIM activity log. Should Entra activate one of these users again, it \
             creates the person anew in ENS+.",
        )]),
        Block::Para(vec![
            text("The rule can be changed or switched off at "),
            strong(SETUP_PAGE),
            text(": "),
            link(&n.setup_url),
        ]),
        footer(n),
    ]);
    (subject, blocks)
}

fn silent(n: &Notice) -> (String, Vec<Block>) {
    let name = &n.enterprise_name;
    let subject = format!("ENS+ SCIM import for {name}: Microsoft Entra ID seems to have stopped provisioning");
    let mut blocks = vec![
        Block::Para(vec![text("Hello,")]),
        Block::Para(vec![
            text("SCIM import for "),
            strong(name),
            text(format!(
                " is switched on, but ENS+ has received no SCIM request from Microsoft Entra ID since {}. \
                 Entra normally calls about every 40 minutes, so provisioning seems to have stopped: changes \
                 made in Entra ID do not reach the ENS+ Person list.",
                when(n.occurred_at)
            )),
        ]),
    ];
    if !n.reason.trim().is_empty() {
        blocks.push(Block::Heading("Details".into()));
        blocks.push(Block::Quote(n.reason.clone()));
    }
    blocks.extend([
        Block::Heading("Where to look in Microsoft Entra ID".into()),
        Block::Para(vec![
            text("In the Microsoft Entra admin center, open "),
            strong("Enterprise applications"),
            text(", then the application that provisions ENS+, then its "),
            strong("Provisioning"),
            text(" page. Check:"),
        ]),
        Block::Bullets(vec![
            vec![strong("Provisioning status"), text(": it must be On.")],
            vec![
                strong("Quarantine"),
                text(
                    ": if the application is in quarantine, the page says why (for example, ENS+ refused the \
                     secret token).",
                ),
            ],
            vec![strong("Provisioning logs"), text(": the requests that failed, and their errors.")],
        ]),
        Block::Para(vec![
            text("Once the cause is fixed, choose "),
            strong("Restart provisioning"),
            text(" there, so that Entra starts a new cycle soon."),
        ]),
        Block::Para(vec![
            text("The Tenant URL and the secret token Entra needs are managed in ENS+ at "),
            strong(SETUP_PAGE),
            text(": "),
            link(&n.setup_url),
        ]),
        footer(n),
    ]);
    (subject, blocks)
}

fn test(n: &Notice) -> (String, Vec<Block>) {
    let name = &n.enterprise_name;
    let subject = format!("ENS+ test notice for {name}");
    let blocks = vec![
        Block::Para(vec![text("Hello,")]),
        Block::Para(vec![
            text("This is a test message from ENS+ SCIM import for "),
            strong(name),
            text(format!(", sent on {}.", when(n.occurred_at))),
        ]),
        Block::Para(vec![
            text(
                "It arrived, so notices about SCIM import (for example, when ENS+ switches import off, or when \
                 Microsoft Entra ID seems to have stopped provisioning) will arrive at this address, ",
            ),
            strong(n.recipient.as_str()),
            text("."),
        ]),
        Block::Para(vec![
            text("No action is needed. The addresses that receive notices are managed at "),
            strong(SETUP_PAGE),
            text(": "),
            link(&n.setup_url),
        ]),
        footer(n),
    ];
    (subject, blocks)
}

fn footer(n: &Notice) -> Block {
    Block::Footer(vec![
        format!(
            "You receive this e-mail because this address is set up to receive SCIM import notices for {} in \
             ENS+.",
            n.enterprise_name
        ),
        format!("Notice id: {}", n.id),
    ])
}

fn reason_or_default(reason: &str) -> String {
    if reason.trim().is_empty() { "No details were recorded.".to_owned() } else { reason.to_owned() }
}

/// `Friday, 28 November 2025 at 22:10 UTC (2025-11-28T22:10:51.123456Z)`.
fn when(t: Timestamp) -> String {
    let dt = t.to_datetime();
    format!(
        "{}, {} {} {} at {:02}:{:02} UTC ({})",
        dt.weekday(),
        dt.day(),
        dt.month(),
        dt.year(),
        dt.hour(),
        dt.minute(),
        t.to_rfc3339()
    )
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

    use ens_ports::{EmailAddress, EnterpriseId, IncidentId, NoticeId};
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
            reason: "Entra sent a phone number ENS+ cannot store: \"+1 555 0100 ext 7\".".into(),
            setup_url: "https://ens.example.com/setup/scim-import".into(),
            examples: Vec::new(),
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
        assert!(r.text.contains("\"+1 555 0100 ext 7\""), "{}", r.text);
        assert!(r.html.contains("&quot;+1 555 0100 ext 7&quot;"), "{}", r.html);
        assert!(r.html.contains("<a href=\"https://ens.example.com/setup/scim-import\">"), "{}", r.html);
    }

    #[test]
    fn silence_points_to_the_provisioning_page_of_entra() {
        let mut n = notice(NoticeKind::ProvisioningSilent);
        n.reason = String::new();
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
        n.reason = "Last request: GET /Users".into();
        let text = render(&n).text;
        assert!(text.contains("\nDetails\n-------\n    Last request: GET /Users\n"), "{text}");
    }

    #[test]
    fn a_held_mass_deactivation_names_examples_and_both_choices() {
        let mut n = notice(NoticeKind::MassDeactivationHeld);
        n.reason = "Entra tried to take 21 persons off the alert list within 60 minutes (the limit is 20)".into();
        n.examples = vec!["Jane <Doe> (jane@contoso.com), deactivated".into(), "bob@contoso.com, deleted".into()];
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
        n.reason = "3 SCIM persons inactive for more than 90 days were deleted".into();
        n.examples = vec!["Jane Doe (jane@contoso.com)".into()];
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
    fn html_escapes_everything_taken_from_the_notice() {
        let mut n = notice(NoticeKind::ImportSwitchedOff);
        n.enterprise_name = "<script>alert('x')</script> & Co".into();
        n.reason = "<img src=x onerror=alert(1)>\nsecond line".into();
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

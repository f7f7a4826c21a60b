//! The pages for principals: plain HTML, CSS and JavaScript, embedded in the binary and served
//! as they are. The pages talk to the admin REST API (`/api/v1`) only; nothing here reads the
//! store or knows a use case.
//!
//! Every answer carries a Content-Security-Policy that forbids inline scripts and styles, so
//! the HTML holds no `<script>` body, no `on…=` handler and no `style=` attribute (a test
//! checks). A visit to a page without a session cookie goes to the login page at once; an
//! expired session is noticed by the page itself (the API answers 401) and goes there too.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};

use ens_domain::Language;

use crate::admin::SESSION_COOKIE;
use crate::i18n;

/// What a page may load and do: only its own origin, no inline code, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Where a principal lands after login, and where `/` leads with a session.
pub const HOME: &str = "/setup/scim-import";
pub const LOGIN: &str = "/login";

const HTML: &str = "text/html; charset=utf-8";

/// A file under `/assets/`.
#[derive(Debug)]
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";

/// An asset under `assets/` by its file name, of `content_type`.
macro_rules! asset {
    ($name:literal, $content_type:expr) => {
        Asset { name: $name, content_type: $content_type, body: include_bytes!(concat!("../assets/", $name)) }
    };
}

/// Every asset, embedded at build time.
pub const ASSETS: &[Asset] = &[
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("app.js", JS),
    asset!("login.js", JS),
    asset!("setup.js", JS),
    asset!("persons.js", JS),
    asset!("person.js", JS),
    asset!("activity.js", JS),
    asset!("health.js", JS),
    asset!("principals.js", JS),
    asset!("icon.svg", "image/svg+xml"),
    // Project Fluent's JavaScript implementation (@fluent/bundle 0.19.1, Apache-2.0, its
    // unmodified UMD build): the scripts format their texts with the same catalogues.
    asset!("fluent-bundle.js", JS),
    // The catalogues themselves, for the scripts: the pages' own and the shared one, as
    // `i18n::CATALOGUES` joins them.
    Asset {
        name: "messages-en.ftl",
        content_type: "text/plain; charset=utf-8",
        body: concat!(include_str!("../locales/en.ftl"), "\n", include_str!("../../ens-i18n/locales/en.ftl"))
            .as_bytes(),
    },
    Asset {
        name: "messages-de.ftl",
        content_type: "text/plain; charset=utf-8",
        body: concat!(include_str!("../locales/de.ftl"), "\n", include_str!("../../ens-i18n/locales/de.ftl"))
            .as_bytes(),
    },
];

/// The pages behind the login: each is the common layout around its own `<main>` content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Setup,
    Persons,
    Person,
    Activity,
    Principals,
}

impl Page {
    pub const ALL: [Page; 5] = [Page::Setup, Page::Persons, Page::Person, Page::Activity, Page::Principals];

    /// The message that titles it.
    fn title(self) -> &'static str {
        match self {
            Page::Setup => "title-setup",
            Page::Persons => "title-persons",
            Page::Person => "title-person",
            Page::Activity => "title-activity",
            Page::Principals => "title-principals",
        }
    }

    /// The navigation entry marked as current.
    fn nav(self) -> &'static str {
        match self {
            Page::Setup => "setup",
            Page::Persons | Page::Person => "persons",
            Page::Activity => "activity",
            Page::Principals => "principals",
        }
    }

    fn script(self) -> &'static str {
        match self {
            Page::Setup => "setup.js",
            Page::Persons => "persons.js",
            Page::Person => "person.js",
            Page::Activity => "activity.js",
            Page::Principals => "principals.js",
        }
    }

    fn main(self) -> &'static str {
        match self {
            Page::Setup => include_str!("../assets/setup.html"),
            Page::Persons => include_str!("../assets/persons.html"),
            Page::Person => include_str!("../assets/person.html"),
            Page::Activity => include_str!("../assets/activity.html"),
            Page::Principals => include_str!("../assets/principals.html"),
        }
    }

    /// The whole document in `language`.
    pub fn html(self, language: Language) -> &'static str {
        static RENDERED: LazyLock<Vec<Vec<String>>> =
            LazyLock::new(|| Page::ALL.iter().map(|p| in_every_language(&p.template())).collect());
        let i = Page::ALL.iter().position(|p| *p == self).unwrap_or_default();
        RENDERED.get(i).map_or("", |r| pick(r, language))
    }

    /// The layout around this page's content, its messages still `{{id}}`.
    fn template(self) -> String {
        let nav = format!("data-nav=\"{}\"", self.nav());
        include_str!("../assets/layout.html")
            .replace(&nav, &format!("{nav} aria-current=\"page\""))
            .replace("{{title}}", &format!("{{{{{}}}}}", self.title()))
            .replace("{{script}}", self.script())
            .replace("{{main}}", self.main())
    }
}

/// `html` with its messages in `language`, the language marked for the browser, and the
/// header's language switch (each language in its own words, the page's selected).
fn document(html: &str, language: Language) -> String {
    i18n::fill(html, language)
        .replace("{{lang}}", language.tag())
        .replace("{{language-switch}}", &language_switch(language))
}

fn language_switch(current: Language) -> String {
    let options: String = Language::ALL
        .iter()
        .map(|l| {
            let selected = if *l == current { " selected" } else { "" };
            format!(
                "<option{selected} value=\"{tag}\" lang=\"{tag}\">{name}</option>",
                tag = l.tag(),
                name = l.endonym()
            )
        })
        .collect();
    format!(
        "<label class=\"visually-hidden\" for=\"language\">{}</label><select id=\"language\" class=\"language\">{options}</select>",
        i18n::text(current, "layout-language")
    )
}

/// `template` filled in each language, in the order of [`Language::ALL`].
fn in_every_language(template: &str) -> Vec<String> {
    Language::ALL.iter().map(|l| document(template, *l)).collect()
}

fn pick(rendered: &'static [String], language: Language) -> &'static str {
    Language::ALL.iter().position(|l| *l == language).and_then(|i| rendered.get(i)).map_or("", String::as_str)
}

/// The login page in `language`.
pub fn login_html(language: Language) -> &'static str {
    static RENDERED: LazyLock<Vec<String>> = LazyLock::new(|| in_every_language(LOGIN_HTML));
    pick(&RENDERED, language)
}

/// The page an unknown address gets, in `language`.
pub fn not_found_html(language: Language) -> &'static str {
    static RENDERED: LazyLock<Vec<String>> = LazyLock::new(|| in_every_language(NOT_FOUND_HTML));
    pick(&RENDERED, language)
}

/// The login page (also where a one-time password is changed).
const LOGIN_HTML: &str = include_str!("../assets/login.html");

/// What an unknown address gets: a page in the site's style with the way back, not the
/// browser's bare 404.
const NOT_FOUND_HTML: &str = include_str!("../assets/notfound.html");

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(root))
        .route(LOGIN, web::get().to(login))
        .route(HOME, web::get().to(|req: HttpRequest| async move { page(&req, Page::Setup) }))
        .route("/persons", web::get().to(|req: HttpRequest| async move { page(&req, Page::Persons) }))
        .route("/persons/{id}", web::get().to(|req: HttpRequest| async move { page(&req, Page::Person) }))
        .route("/activity", web::get().to(|req: HttpRequest| async move { page(&req, Page::Activity) }))
        .route("/principals", web::get().to(|req: HttpRequest| async move { page(&req, Page::Principals) }))
        .route("/assets/{name}", web::get().to(asset))
        .route("/favicon.ico", web::get().to(favicon))
        .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    secured(HttpResponse::NotFound())
        .content_type(HTML)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(not_found_html(i18n::language_of(&req)))
}

/// The headers every page and asset carries.
fn secured(mut res: HttpResponseBuilder) -> HttpResponseBuilder {
    res.insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"));
    res
}

fn see_other(location: &str) -> HttpResponse {
    secured(HttpResponse::SeeOther())
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

fn has_session(req: &HttpRequest) -> bool {
    req.cookie(SESSION_COOKIE).is_some_and(|c| !c.value().is_empty())
}

async fn root(req: HttpRequest) -> HttpResponse {
    see_other(if has_session(&req) { HOME } else { LOGIN })
}

async fn login(req: HttpRequest) -> HttpResponse {
    secured(HttpResponse::Ok())
        .content_type(HTML)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(login_html(i18n::language_of(&req)))
}

/// A page behind the login; without a session cookie, the login page, which comes back here.
fn page(req: &HttpRequest, page: Page) -> HttpResponse {
    if !has_session(req) {
        let uri = req.uri();
        let back = uri.path_and_query().map(|p| p.as_str()).unwrap_or(uri.path());
        return see_other(&format!("{LOGIN}?next={}", encode_component(back)));
    }
    secured(HttpResponse::Ok())
        .content_type(HTML)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.html(i18n::language_of(req)))
}

async fn asset(name: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|a| a.name == name.as_str()) {
        Some(a) => serve_asset(a),
        None => secured(HttpResponse::NotFound()).content_type("text/plain; charset=utf-8").body("Not found"),
    }
}

async fn favicon() -> HttpResponse {
    match ASSETS.iter().find(|a| a.name == "icon.svg") {
        Some(a) => serve_asset(a),
        None => secured(HttpResponse::NotFound()).finish(),
    }
}

fn serve_asset(a: &'static Asset) -> HttpResponse {
    // Revalidated on every use: a new release is picked up at once.
    secured(HttpResponse::Ok())
        .content_type(a.content_type)
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(a.body)
}

/// Percent-encodes everything but unreserved characters and `/`, for a query parameter.
fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {

    use actix_web::http::StatusCode;
    use actix_web::test::{self, TestRequest};
    use actix_web::{App, dev::ServiceResponse};

    use super::*;

    async fn get(uri: &str, cookie: Option<&str>) -> ServiceResponse {
        let app = test::init_service(App::new().configure(routes)).await;
        let mut req = TestRequest::get().uri(uri);
        if let Some(c) = cookie {
            req = req.insert_header(("Cookie", c.to_owned()));
        }
        test::call_service(&app, req.to_request()).await
    }

    fn header<'r>(res: &'r ServiceResponse, name: &str) -> &'r str {
        res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    fn assert_secured(res: &ServiceResponse) {
        assert_eq!(header(res, "content-security-policy"), CONTENT_SECURITY_POLICY);
        assert_eq!(header(res, "x-content-type-options"), "nosniff");
        assert_eq!(header(res, "referrer-policy"), "no-referrer");
    }

    #[actix_web::test]
    async fn every_page_answers_html_with_the_security_headers() {
        let session = Some("ens_session=abc; ens_csrf=def");
        for uri in [
            "/login",
            "/setup/scim-import",
            "/persons",
            "/persons/0190c1a4-0000-7000-8000-000000000000",
            "/activity",
            "/principals",
        ] {
            let res = get(uri, session).await;
            assert_eq!(res.status(), StatusCode::OK, "{uri}");
            assert!(header(&res, "content-type").starts_with("text/html"), "{uri}");
            assert_eq!(header(&res, "content-type"), HTML, "{uri}");
            assert_eq!(header(&res, "cache-control"), "no-store", "{uri}");
            assert_secured(&res);
            let body = test::read_body(res).await;
            let body = std::str::from_utf8(&body).unwrap();
            assert!(body.starts_with("<!doctype html>"), "{uri}");
            assert!(!body.contains("{{"), "{uri}: a placeholder is left");
        }
    }

    /// The principal's choice (the cookie), else the browser's languages, else English; the
    /// page says which it is in and selects it in the switch.
    #[actix_web::test]
    async fn pages_speak_the_requested_language() {
        let app = test::init_service(App::new().configure(routes)).await;
        for (cookie, accept, lang) in [
            ("ens_session=abc", None, "en"),
            ("ens_session=abc", Some("de-CH,de;q=0.9"), "de"),
            ("ens_session=abc; ens_lang=en", Some("de"), "en"),
            ("ens_session=abc; ens_lang=de", None, "de"),
        ] {
            for uri in ["/persons", "/login", "/nope"] {
                let mut req = TestRequest::get().uri(uri).insert_header(("Cookie", cookie));
                if let Some(a) = accept {
                    req = req.insert_header(("Accept-Language", a));
                }
                let res = test::call_service(&app, req.to_request()).await;
                let body = test::read_body(res).await;
                let body = std::str::from_utf8(&body).unwrap();
                assert!(body.contains(&format!("<html lang=\"{lang}\">")), "{uri} {cookie} {accept:?}");
                // The not-found page runs no script, so it has no switch.
                if uri != "/nope" {
                    assert!(body.contains(&format!("<option selected value=\"{lang}\"")), "{uri} {cookie} {accept:?}");
                }
                assert!(!body.contains("{{"), "{uri}: a placeholder is left");
            }
        }
    }

    #[actix_web::test]
    async fn without_a_session_every_page_leads_to_the_login() {
        for (uri, to) in [
            ("/", "/login"),
            ("/setup/scim-import", "/login?next=/setup/scim-import"),
            ("/persons?q=j%20doe&page=2", "/login?next=/persons%3Fq%3Dj%2520doe%26page%3D2"),
            ("/persons/x", "/login?next=/persons/x"),
            ("/activity", "/login?next=/activity"),
        ] {
            let res = get(uri, None).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{uri}");
            assert_eq!(header(&res, "location"), to, "{uri}");
            assert_secured(&res);
        }
        let res = get("/", Some("ens_session=abc")).await;
        assert_eq!((res.status(), header(&res, "location")), (StatusCode::SEE_OTHER, HOME));
    }

    #[actix_web::test]
    async fn unknown_addresses_get_a_page_in_the_sites_style() {
        for uri in ["/nope", "/setup/nope", "/persons/a/b"] {
            let res = get(uri, Some("ens_session=abc")).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{uri}");
            assert_eq!(header(&res, "content-type"), HTML, "{uri}");
            assert_secured(&res);
            let body = test::read_body(res).await;
            let body = std::str::from_utf8(&body).unwrap();
            assert!(body.contains("/assets/app.css") && body.contains("Page not found"), "{uri}");
        }
    }

    #[actix_web::test]
    async fn assets_have_their_content_types() {
        for a in ASSETS {
            let res = get(&format!("/assets/{}", a.name), None).await;
            assert_eq!(res.status(), StatusCode::OK, "{}", a.name);
            let expected = match a.name.rsplit('.').next() {
                Some("css") => "text/css; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("svg") => "image/svg+xml",
                Some("ftl") => "text/plain; charset=utf-8",
                other => panic!("unexpected asset type {other:?}"),
            };
            assert_eq!(header(&res, "content-type"), expected, "{}", a.name);
            assert_secured(&res);
            assert_eq!(test::read_body(res).await.as_ref(), a.body);
        }
        assert_eq!(get("/assets/nope.js", None).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(get("/assets/..%2Fsrc%2Fpages.rs", None).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(header(&get("/favicon.ico", None).await, "content-type"), "image/svg+xml");
    }

    /// Inline code the CSP would block: a `<script>` without `src`, an `on…=` handler, a
    /// `style` element or attribute, or a `javascript:` URL.
    fn inline_code(html: &str) -> Vec<String> {
        let lower = html.to_ascii_lowercase();
        let mut found = Vec::new();
        let mut rest = lower.as_str();
        while let Some(start) = rest.find('<') {
            rest = &rest[start + 1..];
            let end = rest.find('>').unwrap_or(rest.len());
            let tag = &rest[..end];
            let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if name == "script" && !tag.contains(" src=") {
                found.push(format!("<{tag}> without src"));
            }
            if name == "script" && !rest[end..].trim_start_matches('>').starts_with("</script") {
                found.push(format!("<{tag}> with a body"));
            }
            if name == "style" {
                found.push("<style> element".to_owned());
            }
            for attr in tag.split_ascii_whitespace().skip(1) {
                let attr_name = attr.split('=').next().unwrap_or_default();
                if attr_name == "style" || (attr_name.starts_with("on") && attr.contains('=')) {
                    found.push(format!("{attr_name}= in <{name}>"));
                }
            }
            if tag.contains("javascript:") {
                found.push(format!("javascript: URL in <{name}>"));
            }
        }
        found
    }

    #[test]
    fn the_html_has_no_inline_script_or_style() {
        let mut docs: Vec<(&str, &str)> = Vec::new();
        for l in Language::ALL {
            docs.extend([("login", login_html(l)), ("not found", not_found_html(l))]);
            docs.extend(Page::ALL.iter().map(|p| (p.title(), p.html(l))));
        }
        for (name, html) in docs {
            // The not-found page needs no script.
            assert!(
                html.contains("<script type=\"module\" src=\"/assets/") || name == "not found",
                "{name}: no script"
            );
            assert!(html.contains("<link rel=\"stylesheet\" href=\"/assets/app.css\">"), "{name}: no style sheet");
            let found = inline_code(html);
            assert!(found.is_empty(), "{name}: {found:?}");
        }
        // The scanner itself finds what it is for.
        let bad = "<p style=\"x\"><script>alert(1)</script><button onclick=\"f()\"><a href=\"javascript:x\">";
        assert_eq!(inline_code(bad).len(), 5, "{:?}", inline_code(bad));
    }

    /// The activity page names every kind of entry in words, not by its key (which would
    /// show the same English in every language).
    #[test]
    fn the_activity_page_words_every_kind() {
        let script =
            ASSETS.iter().find(|a| a.name == "activity.js").map(|a| std::str::from_utf8(a.body).unwrap()).unwrap();
        for kind in ens_ports::ActivityKind::ALL {
            assert!(script.contains(&format!("  {}: ['js-kind-", kind.as_str())), "activity.js lacks {kind:?}");
        }
    }

    /// Every message a script asks for by name is in the catalogue (a missing one would show
    /// its id in every language).
    #[test]
    fn the_scripts_ask_for_messages_that_exist() {
        let mut asked = 0;
        for a in ASSETS.iter().filter(|a| a.name.ends_with(".js") && a.name != "fluent-bundle.js") {
            let js = std::str::from_utf8(a.body).unwrap();
            for call in ["t('", "tNodes('"] {
                for (at, _) in js.match_indices(call) {
                    // The function itself, not a name that ends so (`split('`).
                    if js[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.') {
                        continue;
                    }
                    let rest = &js[at + call.len()..];
                    let id = &rest[..rest.find('\'').unwrap()];
                    assert!(i18n::exists(id), "{} asks for {id:?}, which the catalogue lacks", a.name);
                    asked += 1;
                }
            }
        }
        assert!(asked > 200, "only {asked} messages found: the scan is broken");
        for dynamic in ["departure-deactivated", "departure-deleted", "language-en", "language-de"] {
            assert!(i18n::exists(dynamic), "{dynamic}");
        }
    }

    #[test]
    fn the_scripts_never_build_html_from_strings() {
        for a in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
            let js = std::str::from_utf8(a.body).unwrap();
            for risky in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", ".style."] {
                assert!(!js.contains(risky), "{} uses {risky}", a.name);
            }
        }
    }

    #[test]
    fn the_layout_marks_the_current_page_in_the_navigation() {
        assert!(Page::Persons.html(Language::German).contains("<title>Personen · ENS+</title>"));
        assert!(Page::Setup.html(Language::English).contains("<title>Setup › SCIM Import · ENS+</title>"));
        for l in Language::ALL {
            assert!(Page::Persons.html(l).contains("data-nav=\"persons\" aria-current=\"page\""));
            assert!(Page::Person.html(l).contains("data-nav=\"persons\" aria-current=\"page\""));
            assert_eq!(Page::Setup.html(l).matches("aria-current").count(), 1);
        }
    }
}

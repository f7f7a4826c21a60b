//! The SCIM filter grammar (RFC 7644 §3.4.2.2), parsed into a syntax tree.
//!
//! Beyond the RFC's ABNF it accepts Entra's `emails[type eq "work"].value eq "x"` (a value
//! path followed by a sub-attribute and a comparison, meaning
//! `emails[type eq "work" and value eq "x"]`), keywords and operators in any case, and runs
//! of white space. PATCH paths (`attr[filter].sub`) use the same machinery.
//!
//! Bounded: at most [`MAX_FILTER_LEN`] bytes and [`MAX_DEPTH`] levels of nesting, so no input
//! can exhaust the stack. Why we parse ourselves rather than use a crate:
//! `docs/decisions/scim-filter-parser.md`.

use std::fmt;

use ens_domain::CmpOp;

/// Longest filter accepted (bytes).
pub const MAX_FILTER_LEN: usize = 4096;
/// Deepest nesting of parentheses, `not`, and value paths.
pub const MAX_DEPTH: usize = 16;
/// Most attribute comparisons in one filter: bounds the size of the SQL it becomes.
pub const MAX_TERMS: usize = 64;

/// `[uri:]name[.sub]`, as written (resolution is case-insensitive and happens later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub uri: Option<String>,
    pub name: String,
    pub sub: Option<String>,
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(uri) = &self.uri {
            write!(f, "{uri}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// The comparison operators, as the domain names them; case does not matter.
fn compare_op(word: &str) -> Option<CmpOp> {
    Some(match word.to_ascii_lowercase().as_str() {
        "eq" => CmpOp::Eq,
        "ne" => CmpOp::Ne,
        "co" => CmpOp::Co,
        "sw" => CmpOp::Sw,
        "ew" => CmpOp::Ew,
        "gt" => CmpOp::Gt,
        "ge" => CmpOp::Ge,
        "lt" => CmpOp::Lt,
        "le" => CmpOp::Le,
        _ => return None,
    })
}

/// A comparison's right-hand side.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Number(f64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Present(AttrPath),
    Compare(AttrPath, CmpOp, Literal),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `attr[filter]`: some element of the multi-valued `attr` matches `filter`, whose
    /// attribute paths name sub-attributes.
    ValuePath(AttrPath, Box<Expr>),
}

/// A PATCH operation's `path`: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    pub filter: Option<Expr>,
    /// The sub-attribute after a value filter (`.value` in `emails[type eq "work"].value`).
    pub sub: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// Byte offset in the input where the problem was noticed.
    pub position: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.position + 1)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Str(String),
    /// A run of other characters: attribute paths, keywords, operators, numbers, `.sub`.
    Word(String),
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { message: message.into(), position: self.pos })
    }

    fn tokens(mut self) -> Result<Vec<(usize, Tok)>, ParseError> {
        let mut out = Vec::new();
        let bytes = self.src.as_bytes();
        while self.pos < bytes.len() {
            let start = self.pos;
            let c = bytes[self.pos];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'(' => {
                    out.push((start, Tok::LParen));
                    self.pos += 1;
                }
                b')' => {
                    out.push((start, Tok::RParen));
                    self.pos += 1;
                }
                b'[' => {
                    out.push((start, Tok::LBracket));
                    self.pos += 1;
                }
                b']' => {
                    out.push((start, Tok::RBracket));
                    self.pos += 1;
                }
                b'"' => {
                    // A JSON string: find the closing quote, then let serde_json decode escapes.
                    let mut i = self.pos + 1;
                    loop {
                        match bytes.get(i) {
                            None => return self.err("unterminated string"),
                            Some(b'\\') => i += 2,
                            Some(b'"') => break,
                            Some(_) => i += 1,
                        }
                    }
                    let raw = &self.src[self.pos..=i];
                    let s: String = match serde_json::from_str(raw) {
                        Ok(s) => s,
                        Err(_) => return self.err("invalid string literal"),
                    };
                    out.push((start, Tok::Str(s)));
                    self.pos = i + 1;
                }
                _ => {
                    let mut i = self.pos;
                    while i < bytes.len()
                        && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n' | b'(' | b')' | b'[' | b']' | b'"')
                    {
                        i += 1;
                    }
                    out.push((start, Tok::Word(self.src[self.pos..i].to_owned())));
                    self.pos = i;
                }
            }
        }
        Ok(out)
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$'
}

fn valid_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '$') && s.chars().all(is_name_char)
}

/// Parses `[uri:]name[.sub]`. A URN is everything up to the last `:` (schema URNs contain
/// dots, as in `…:core:2.0:User:userName`).
pub fn parse_attr_path(word: &str, position: usize) -> Result<AttrPath, ParseError> {
    let err = |m: String| Err(ParseError { message: m, position });
    // `get`, not indexing: the fourth byte may be inside a multi-byte character (found by
    // fuzzing: `urn˖…`).
    let (uri, rest) = if word.len() > 4 && word.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
        match word.rfind(':') {
            Some(i) => (Some(word[..i].to_owned()), &word[i + 1..]),
            None => (None, word),
        }
    } else {
        (None, word)
    };
    let (name, sub) = match rest.split_once('.') {
        Some((n, s)) => (n, Some(s)),
        None => (rest, None),
    };
    if !valid_name(name) {
        return err(format!("{word:?} is not an attribute path"));
    }
    if let Some(s) = sub
        && !valid_name(s)
    {
        return err(format!("{word:?} is not an attribute path"));
    }
    Ok(AttrPath { uri, name: name.to_owned(), sub: sub.map(str::to_owned) })
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    i: usize,
    end: usize,
    terms: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|(_, t)| t)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.i).map(|(p, _)| *p).unwrap_or(self.end)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { message: message.into(), position: self.pos() })
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.i).map(|(_, t)| t.clone());
        self.i += 1;
        t
    }

    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn check_depth(&self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH { self.err(format!("the filter nests deeper than {MAX_DEPTH} levels")) } else { Ok(()) }
    }

    fn or_expr(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let mut left = self.and_expr(depth)?;
        while self.keyword("or") {
            self.i += 1;
            let right = self.and_expr(depth)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let mut left = self.unary(depth)?;
        while self.keyword("and") {
            self.i += 1;
            let right = self.unary(depth)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn parenthesized(&mut self, depth: usize) -> Result<Expr, ParseError> {
        self.check_depth(depth + 1)?;
        if self.next() != Some(Tok::LParen) {
            return self.err("expected '('");
        }
        let inner = self.or_expr(depth + 1)?;
        if self.next() != Some(Tok::RParen) {
            self.i -= 1;
            return self.err("expected ')'");
        }
        Ok(inner)
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, ParseError> {
        match self.peek() {
            Some(Tok::LParen) => self.parenthesized(depth),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("not") => {
                self.i += 1;
                self.check_depth(depth + 1)?;
                Ok(Expr::Not(Box::new(self.parenthesized(depth + 1)?)))
            }
            Some(Tok::Word(_)) => self.attr_expr(depth),
            Some(_) => self.err("expected an attribute, '(' or 'not'"),
            None => self.err("the filter ends too early"),
        }
    }

    fn literal(&mut self) -> Result<Literal, ParseError> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Literal::Str(s)),
            Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "true" => Ok(Literal::Bool(true)),
                "false" => Ok(Literal::Bool(false)),
                "null" => Ok(Literal::Null),
                _ => match w.parse::<f64>() {
                    Ok(n) if n.is_finite() && w.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) => {
                        Ok(Literal::Number(n))
                    }
                    _ => {
                        self.i -= 1;
                        self.err(format!("{w:?} is not a value: strings need double quotes"))
                    }
                },
            },
            _ => {
                self.i -= 1;
                self.err("expected a value")
            }
        }
    }

    /// After an attribute path: `pr`, or an operator and a value.
    fn comparison(&mut self, path: AttrPath) -> Result<Expr, ParseError> {
        let op_pos = self.pos();
        match self.next() {
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("pr") => Ok(Expr::Present(path)),
            Some(Tok::Word(w)) => match compare_op(&w) {
                Some(op) => Ok(Expr::Compare(path, op, self.literal()?)),
                None => Err(ParseError { message: format!("unknown operator {w:?}"), position: op_pos }),
            },
            _ => Err(ParseError { message: "expected an operator after the attribute".into(), position: op_pos }),
        }
    }

    fn attr_expr(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let pos = self.pos();
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return self.err(format!("the filter has more than {MAX_TERMS} comparisons"));
        }
        let Some(Tok::Word(word)) = self.next() else {
            return self.err("expected an attribute");
        };
        let path = parse_attr_path(&word, pos)?;
        if self.peek() != Some(&Tok::LBracket) {
            return self.comparison(path);
        }
        if path.sub.is_some() {
            return self.err("a value filter follows the attribute, not its sub-attribute");
        }
        let inner = self.value_filter(depth)?;
        // Entra: `emails[type eq "work"].value eq "x"`.
        if let Some(Tok::Word(w)) = self.peek()
            && let Some(sub) = w.strip_prefix('.')
        {
            let sub_pos = self.pos();
            if !valid_name(sub) {
                return self.err(format!("{sub:?} is not a sub-attribute"));
            }
            let sub_path = AttrPath { uri: None, name: sub.to_owned(), sub: None };
            self.i += 1;
            let cmp = self.comparison(sub_path).map_err(|mut e| {
                e.position = e.position.max(sub_pos);
                e
            })?;
            return Ok(Expr::ValuePath(path, Box::new(Expr::And(Box::new(inner), Box::new(cmp)))));
        }
        Ok(Expr::ValuePath(path, Box::new(inner)))
    }

    fn value_filter(&mut self, depth: usize) -> Result<Expr, ParseError> {
        self.check_depth(depth + 1)?;
        if self.next() != Some(Tok::LBracket) {
            return self.err("expected '['");
        }
        let inner = self.or_expr(depth + 1)?;
        if self.next() != Some(Tok::RBracket) {
            self.i -= 1;
            return self.err("expected ']'");
        }
        Ok(inner)
    }
}

fn tokenize(input: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    if input.len() > MAX_FILTER_LEN {
        return Err(ParseError {
            message: format!("longer than {MAX_FILTER_LEN} characters"),
            position: MAX_FILTER_LEN,
        });
    }
    Lexer { src: input, pos: 0 }.tokens()
}

/// Parses a complete filter.
pub fn parse_filter(input: &str) -> Result<Expr, ParseError> {
    let toks = tokenize(input)?;
    if toks.is_empty() {
        return Err(ParseError { message: "the filter is empty".into(), position: 0 });
    }
    let mut p = Parser { toks, i: 0, end: input.len(), terms: 0 };
    let expr = p.or_expr(0)?;
    if p.i < p.toks.len() {
        return p.err("unexpected text after the filter");
    }
    Ok(expr)
}

/// Parses a PATCH `path`.
pub fn parse_patch_path(input: &str) -> Result<PatchPath, ParseError> {
    let toks = tokenize(input.trim())?;
    let mut p = Parser { toks, i: 0, end: input.len(), terms: 0 };
    let pos = p.pos();
    let Some(Tok::Word(word)) = p.next() else {
        return p.err("the path must start with an attribute");
    };
    // `emails[type eq "work"].value` lexes as `emails`, `[`, …, `]`, `.value`.
    let attr = parse_attr_path(&word, pos)?;
    let mut path = PatchPath { attr, filter: None, sub: None };
    if p.peek() == Some(&Tok::LBracket) {
        if path.attr.sub.is_some() {
            return p.err("a value filter follows the attribute, not its sub-attribute");
        }
        path.filter = Some(p.value_filter(0)?);
        if let Some(Tok::Word(w)) = p.peek() {
            match w.strip_prefix('.') {
                Some(sub) if valid_name(sub) => {
                    path.sub = Some(sub.to_owned());
                    p.i += 1;
                }
                _ => return p.err(format!("{w:?} is not a sub-attribute")),
            }
        }
    }
    if p.i < p.toks.len() {
        return p.err("unexpected text after the path");
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(name: &str) -> AttrPath {
        parse_attr_path(name, 0).expect("valid path")
    }

    fn s(v: &str) -> Literal {
        Literal::Str(v.into())
    }

    #[test]
    fn entra_forms() {
        assert_eq!(
            parse_filter("userName eq \"8b1a4d2e-0000-4c1a-9f2d-000000000000\""),
            Ok(Expr::Compare(attr("userName"), CmpOp::Eq, s("8b1a4d2e-0000-4c1a-9f2d-000000000000")))
        );
        assert_eq!(parse_filter("externalId eq \"jdoe\""), Ok(Expr::Compare(attr("externalId"), CmpOp::Eq, s("jdoe"))));
        assert_eq!(
            parse_filter("emails[type eq \"work\"].value eq \"jdoe@contoso.com\""),
            Ok(Expr::ValuePath(
                attr("emails"),
                Box::new(Expr::And(
                    Box::new(Expr::Compare(attr("type"), CmpOp::Eq, s("work"))),
                    Box::new(Expr::Compare(attr("value"), CmpOp::Eq, s("jdoe@contoso.com"))),
                ))
            ))
        );
        assert_eq!(
            parse_filter("displayName eq \"4a3c\""),
            Ok(Expr::Compare(attr("displayName"), CmpOp::Eq, s("4a3c")))
        );
    }

    #[test]
    fn rfc_examples() {
        for f in [
            r#"userName Eq "john""#,
            r#"name.familyName co "O'Malley""#,
            r#"userName sw "J""#,
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
            r#"title pr"#,
            r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
            r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
            r#"title pr and userType eq "Employee""#,
            r#"title pr or userType eq "Intern""#,
            r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
            r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
            r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            r#"userType eq "Employee" and (emails.type eq "work")"#,
            r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
            r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "4711""#,
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m1""#,
        ] {
            assert!(parse_filter(f).is_ok(), "{f}: {:?}", parse_filter(f));
        }
    }

    #[test]
    fn precedence_and_grouping() {
        let e = parse_filter(r#"a eq "1" or b eq "2" and c eq "3""#).expect("parses");
        let Expr::Or(_, right) = e else { panic!("or binds loosest: {e:?}") };
        assert!(matches!(*right, Expr::And(..)));
        let e = parse_filter(r#"(a eq "1" or b eq "2") and c eq "3""#).expect("parses");
        assert!(matches!(e, Expr::And(..)));
        let e = parse_filter(r#"NOT(a pr) AND b pr"#).expect("keywords in any case");
        assert!(matches!(e, Expr::And(l, _) if matches!(*l, Expr::Not(_))));
    }

    #[test]
    fn literals() {
        let lit = |f: &str| match parse_filter(f).expect("parses") {
            Expr::Compare(_, _, l) => l,
            e => panic!("{e:?}"),
        };
        assert_eq!(lit("active eq true"), Literal::Bool(true));
        assert_eq!(lit("active eq False"), Literal::Bool(false));
        assert_eq!(lit("x eq null"), Literal::Null);
        assert_eq!(lit("x gt 10.5"), Literal::Number(10.5));
        assert_eq!(lit(r#"x eq "a \"quoted\" \u00e9 \\ value""#), s("a \"quoted\" é \\ value"));
        assert_eq!(lit(r#"x eq "with ) and ] inside""#), s("with ) and ] inside"));
    }

    #[test]
    fn urn_paths() {
        let p = attr("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName");
        assert_eq!(p.uri.as_deref(), Some("urn:ietf:params:scim:schemas:core:2.0:User"));
        assert_eq!(p.name, "name");
        assert_eq!(p.sub.as_deref(), Some("givenName"));
        assert_eq!(p.to_string(), "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName");
    }

    #[test]
    fn errors_say_where() {
        for (f, needle) in [
            ("", "empty"),
            ("userName", "operator"),
            ("userName eq", "value"),
            ("userName eq john", "double quotes"),
            ("userName xx \"a\"", "unknown operator"),
            ("userName eq \"a", "unterminated"),
            ("(userName pr", "')'"),
            ("emails[type eq \"work\"", "']'"),
            ("userName pr extra", "after the filter"),
            ("not userName pr", "'('"),
            ("1abc eq \"x\"", "attribute path"),
            ("userName eq \"a\" and", "ends too early"),
            ("emails.value[type eq \"work\"]", "value filter"),
        ] {
            let e = parse_filter(f).expect_err(f);
            assert!(e.message.contains(needle), "{f:?}: {e}");
        }
        assert_eq!(parse_filter("userName xx \"a\"").expect_err("op").position, 9);
    }

    #[test]
    fn nesting_and_length_are_bounded() {
        let ok = format!("{}a pr{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse_filter(&ok).is_ok());
        let deep = format!("{}a pr{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        assert!(parse_filter(&deep).expect_err("too deep").message.contains("nests deeper"));
        let nots = format!("{}a pr{}", "not (".repeat(100_000), ")".repeat(100_000));
        assert!(parse_filter(&nots).is_err());
        let brackets = format!("{}a pr{}", "e[".repeat(1000), "]".repeat(1000));
        assert!(parse_filter(&brackets).is_err());
        let long = format!("userName eq \"{}\"", "x".repeat(MAX_FILTER_LEN));
        assert!(parse_filter(&long).expect_err("too long").message.contains("longer"));
        let chain = vec!["a pr"; MAX_TERMS].join(" or ");
        assert!(parse_filter(&chain).is_ok());
        let chain = vec!["a pr"; MAX_TERMS + 1].join(" or ");
        assert!(parse_filter(&chain).expect_err("too many").message.contains("comparisons"));
    }

    #[test]
    fn patch_paths() {
        let p = parse_patch_path(r#"emails[type eq "work"].value"#).expect("parses");
        assert_eq!(p.attr, attr("emails"));
        assert_eq!(p.filter, Some(Expr::Compare(attr("type"), CmpOp::Eq, s("work"))));
        assert_eq!(p.sub.as_deref(), Some("value"));
        let p = parse_patch_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager").expect("parses");
        assert_eq!(p.attr.name, "manager");
        assert_eq!(p.filter, None);
        assert_eq!(parse_patch_path("name.givenName").expect("parses").attr.sub.as_deref(), Some("givenName"));
        assert!(parse_patch_path(r#"addresses[type eq "work"]"#).expect("parses").sub.is_none());
        for bad in ["", "emails[type eq \"work\"", "emails[type eq \"work\"].", "a b", "emails[type eq \"work\"]value"]
        {
            assert!(parse_patch_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn multi_byte_characters_where_a_urn_prefix_would_be() {
        // Found by `cargo xtask fuzz`: slicing "urn˖etrft:" at byte 4 split the '˖'.
        assert!(parse_filter("(not (urn˖etrft:) and 0").is_err());
        assert!(parse_attr_path("urn˖etrft:x", 0).is_err());
        assert!(parse_filter("ürn:x:y eq \"1\"").is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A deterministic sweep over mutations of valid filters; cargo xtask fuzz goes further.
        let seeds =
            [r#"emails[type eq "work"].value eq "x""#, r#"not (a eq "1" or b pr) and c ge 2"#, "urn:a:b:c.d pr"];
        let alphabet: &[u8] = b"()[]\" \\.:aeqnotrp0-";
        for seed in seeds {
            let bytes = seed.as_bytes();
            for i in 0..bytes.len() {
                for &c in alphabet {
                    let mut m = bytes.to_vec();
                    m[i] = c;
                    if let Ok(text) = std::str::from_utf8(&m) {
                        let _ = parse_filter(text);
                        let _ = parse_patch_path(text);
                    }
                    m.truncate(i);
                    if let Ok(text) = std::str::from_utf8(&m) {
                        let _ = parse_filter(text);
                    }
                }
            }
        }
    }
}

//! Sentences ([`Said`]) as stored: a JSON text, `{"id":…,"args":[[name,{"text":…}],…]}`,
//! readable in both databases' text columns and by an operator. A text that is not such JSON
//! was written before details were kept as messages, and is read as it was written.

use ens_domain::{Arg, Field, Said, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Stored {
    id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    args: Vec<(String, StoredArg)>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredArg {
    Text(String),
    Number(i64),
    /// Microseconds since the Unix epoch.
    Time(i64),
    /// The fields' stable keys.
    Fields(Vec<String>),
    Said(Box<Stored>),
}

impl From<&Said> for Stored {
    fn from(s: &Said) -> Self {
        let args = s
            .args
            .iter()
            .map(|(name, arg)| {
                let arg = match arg {
                    Arg::Text(t) => StoredArg::Text(t.clone()),
                    Arg::Number(n) => StoredArg::Number(*n),
                    Arg::Time(t) => StoredArg::Time(t.as_micros()),
                    Arg::Fields(f) => StoredArg::Fields(f.iter().map(|f| f.key().to_owned()).collect()),
                    Arg::Said(inner) => StoredArg::Said(Box::new(inner.as_ref().into())),
                };
                (name.clone(), arg)
            })
            .collect();
        Stored { id: s.id.clone(), args }
    }
}

impl From<Stored> for Said {
    fn from(s: Stored) -> Self {
        let args = s
            .args
            .into_iter()
            .map(|(name, arg)| {
                let arg = match arg {
                    StoredArg::Text(t) => Arg::Text(t),
                    StoredArg::Number(n) => Arg::Number(n),
                    StoredArg::Time(t) => Arg::Time(Timestamp::from_micros(t)),
                    // A field the catalogue no longer has is left out of the list.
                    StoredArg::Fields(f) => Arg::Fields(f.iter().filter_map(|k| Field::from_key(k)).collect()),
                    StoredArg::Said(inner) => Arg::Said(Box::new((*inner).into())),
                };
                (name, arg)
            })
            .collect();
        Said { id: s.id, args }
    }
}

pub(crate) fn encode(said: &Said) -> String {
    serde_json::to_string(&Stored::from(said)).unwrap_or_else(|_| said.id.clone())
}

pub(crate) fn decode(text: &str) -> Said {
    match serde_json::from_str::<Stored>(text) {
        Ok(stored) => stored.into(),
        Err(_) => Said::verbatim(text),
    }
}

/// Several sentences (a notice's examples) as one JSON array.
pub(crate) fn encode_all(said: &[Said]) -> String {
    serde_json::to_string(&said.iter().map(Stored::from).collect::<Vec<_>>()).unwrap_or_default()
}

/// [`encode_all`]'s text; one verbatim sentence per line for what was written before.
pub(crate) fn decode_all(text: &str) -> Vec<Said> {
    match serde_json::from_str::<Vec<Stored>>(text) {
        Ok(all) => all.into_iter().map(Said::from).collect(),
        Err(_) => text.lines().filter(|l| !l.is_empty()).map(Said::verbatim).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_round_trip_and_old_text_reads_as_written() {
        let said = Said::new("hold")
            .with("attempted", 21u64)
            .with("since", Timestamp::from_micros(1_700_000_000_000_000))
            .with("fields", vec![Field::DisplayName, Field::PhoneMobile])
            .with("held", Said::new("departure").with("user", "a\"b\nc@contoso.com"));
        assert_eq!(decode(&encode(&said)), said);
        assert_eq!(decode("switched on"), Said::verbatim("switched on"));
        assert_eq!(decode("{not ours"), Said::verbatim("{not ours"));
        let all = vec![said.clone(), Said::new("person").with("user", "x")];
        assert_eq!(decode_all(&encode_all(&all)), all);
        assert_eq!(decode_all("Jane (j@x)\nbob@x"), vec![Said::verbatim("Jane (j@x)"), Said::verbatim("bob@x")]);
        assert_eq!(decode_all(&encode_all(&[])), Vec::<Said>::new());
    }
}

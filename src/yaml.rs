//! Reading YAML written by users (front matter, `gongbu.yaml`, glossary
//! files) with a bound on what aliases may expand to.
//!
//! serde_yaml replays an alias (`*a`) by walking its anchor's events again, so
//! a few hundred bytes of nested aliases (the "billion laughs" document) or
//! one large anchored list repeated by many aliases expand to billions of
//! values. Its own guard counts alias jumps, not the values they produce.
//! [`from_str`] first walks the document without building anything, counting
//! every value an alias replay yields, and refuses the document once the
//! count passes [`MAX_VALUES`]; only then is it deserialized for real.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess};

/// Values (scalars, lists, maps, counted after alias expansion) a YAML
/// document may hold. Real front matter and glossaries hold a few hundred.
pub(crate) const MAX_VALUES: usize = 100_000;

/// The message of the error a too-large document gets (checked by tests).
pub(crate) const TOO_LARGE: &str = "별칭(*)을 펼치면 값이 너무 많아집니다";

/// `serde_yaml::from_str` for user files: the same result, or an error when
/// aliases would expand the document past [`MAX_VALUES`] values.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_yaml::Error> {
    check_expansion(text)?;
    serde_yaml::from_str(text)
}

/// [`from_str`] for a YAML value, skipping the walk that counts values
/// when no alias can expand anything: no `*` anywhere (every alias starts
/// with one), a single document (no line starts with `---` or `...`) and
/// too short to hold [`MAX_VALUES`] values on its own (a value without an
/// alias takes at least half a byte: `{a,b}`). Such a document gets what
/// the walk would have given: serde_yaml reads a whole document before
/// building anything, so a syntax error is the same error either way.
/// Front matter is nearly always such a document.
pub(crate) fn value_from_str(text: &str) -> Result<serde_yaml::Value, serde_yaml::Error> {
    let one_document = !text
        .lines()
        .any(|l| l.starts_with("---") || l.starts_with("..."));
    if text.len() < MAX_VALUES / 4 && one_document && !text.contains('*') {
        serde_yaml::from_str(text)
    } else {
        from_str(text)
    }
}

/// Walks `text` once without keeping anything, failing as soon as it has
/// seen more than [`MAX_VALUES`] values. Syntax errors come back as they are.
pub(crate) fn check_expansion(text: &str) -> Result<(), serde_yaml::Error> {
    let budget = Cell::new(MAX_VALUES);
    for document in serde_yaml::Deserializer::from_str(text) {
        Counted { budget: &budget }.deserialize(document)?;
    }
    Ok(())
}

/// A seed that accepts any YAML value, counts it and its children against a
/// shared budget, and keeps nothing.
#[derive(Clone, Copy)]
struct Counted<'b> {
    budget: &'b Cell<usize>,
}

impl Counted<'_> {
    fn spend<E: de::Error>(&self) -> Result<(), E> {
        match self.budget.get().checked_sub(1) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(E::custom(TOO_LARGE)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Counted<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for Counted<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.spend()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.spend()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.spend()
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.spend()
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.spend()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.spend()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.spend()
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<(), E> {
        self.spend()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.spend()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.spend()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.spend()?;
        self.deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.spend()?;
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend()?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend()?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }

    /// A tagged value (`!tag value`).
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use de::VariantAccess;
        self.spend()?;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_documents_pass() {
        let v: serde_yaml::Value =
            from_str("title: 가\ntags: [a, b]\nbase: &b {x: 1}\nother: *b\n").unwrap();
        assert_eq!(v["other"]["x"], serde_yaml::Value::from(1));
        let tagged: serde_yaml::Value = from_str("a: !custom 3\n").unwrap();
        assert!(matches!(tagged["a"], serde_yaml::Value::Tagged(_)));
    }

    #[test]
    fn billion_laughs_is_refused_quickly() {
        let mut doc = String::from(
            "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 9].join(",");
            doc.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let t = std::time::Instant::now();
        // Either guard may stop it first: ours or serde_yaml's alias-jump limit.
        let e = from_str::<serde_yaml::Value>(&doc).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains(TOO_LARGE) || msg.contains("repetition limit"),
            "{msg}"
        );
        assert!(t.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn wide_alias_fan_out_is_refused() {
        // One anchored list of 2,000 items repeated by 2,000 aliases: few
        // alias jumps, four million values.
        let items = vec!["x"; 2000].join(",");
        let refs = vec!["*a"; 2000].join(",");
        let doc = format!("a: &a [{items}]\nb: [{refs}]\n");
        let e = from_str::<serde_yaml::Value>(&doc).unwrap_err();
        assert!(e.to_string().contains(TOO_LARGE), "{e}");
    }

    #[test]
    fn values_without_aliases_read_as_with_the_walk() {
        let deep = format!("a: {}1{}\n", "[".repeat(200), "]".repeat(200));
        let deep_map = (0..140)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect::<String>();
        for doc in [
            "title: 가\ntags: [a, b]\n",
            "a: 1\nb: [x, y\nc: 2\n",
            "a: 1\n  b: 2\n",
            "a: {x\n",
            "- a\nb: c\n",
            "a: 'unclosed\n",
            "a: \"\\q\"\n",
            "? x\n? y\n",
            "{a, b, c}",
            "a: !tag [1]\n",
            "\t- x\n",
            "",
            &deep,
            &deep_map,
        ] {
            let walked = from_str::<serde_yaml::Value>(doc).map_err(|e| e.to_string());
            let direct = value_from_str(doc).map_err(|e| e.to_string());
            assert_eq!(walked, direct, "{doc:?}");
        }
        let e = value_from_str("a: &a [x]\nb: [*a]\n").unwrap();
        assert_eq!(e["b"][0][0], serde_yaml::Value::from("x"));
    }

    #[test]
    fn syntax_errors_keep_their_location() {
        let e = from_str::<serde_yaml::Value>("a: 1\nb: [x, y\nc: 2\n").unwrap_err();
        assert!(e.location().is_some_and(|l| l.line() >= 2), "{e}");
    }
}

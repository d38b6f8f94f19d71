use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A model input as written in a scenario: a number, or the name of a parameter (or of a
/// component `name.part` of a Dirichlet parameter), or of a table, or the word `"rest"` where a
/// row of shares allows it (it takes what the other entries leave to 1).
///
/// ```
/// use ontschot::Value;
/// let v: Value = serde_json::from_str("\"p_frail\"").unwrap();
/// assert_eq!(v, Value::Name("p_frail".into()));
/// let n: Value = serde_json::from_str("0.25").unwrap();
/// assert_eq!(n, Value::Number(0.25));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A fixed number.
    Number(f64),
    /// A parameter name, a table name, or `rest`.
    Name(String),
}

impl Value {
    /// The keyword that fills a row of shares or probabilities up to 1.
    pub const REST: &'static str = "rest";

    /// True for the `"rest"` keyword.
    pub fn is_rest(&self) -> bool {
        matches!(self, Value::Name(n) if n == Self::REST)
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Number(x)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Name(s.to_owned())
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Number(x) => s.serialize_f64(*x),
            Value::Name(n) => s.serialize_str(n),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or the name of a parameter or table")
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<Value, E> {
                Ok(Value::Number(x))
            }
            fn visit_i64<E: de::Error>(self, x: i64) -> Result<Value, E> {
                Ok(Value::Number(x as f64))
            }
            fn visit_u64<E: de::Error>(self, x: u64) -> Result<Value, E> {
                Ok(Value::Number(x as f64))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
                Ok(Value::Name(s.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

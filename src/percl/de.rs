//! Serde deserialisation straight from the spanned tree, so that checked text becomes the typed model without
//! a second parse, and free-form objects keep their member order.

use super::json::{Kind, Value};
use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeSeed, EnumAccess, IntoDeserializer, VariantAccess, Visitor};

/// A serde `Deserializer` over a [`Value`].
#[derive(Clone, Copy)]
pub struct De<'v, 'a>(pub &'v Value<'a>);

impl<'de> IntoDeserializer<'de, Error> for De<'_, '_> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// Feeds a JSON number to a visitor as the narrowest type that holds it.
fn number<'de, V: Visitor<'de>>(lexeme: &str, visitor: V) -> Result<V::Value, Error> {
    if !lexeme.contains(['.', 'e', 'E']) {
        if let Ok(i) = lexeme.parse::<i64>() {
            return visitor.visit_i64(i);
        }
        if let Ok(u) = lexeme.parse::<u64>() {
            return visitor.visit_u64(u);
        }
    }
    // Every lexeme from the parser follows JSON's grammar, which f64 parsing accepts.
    visitor.visit_f64(lexeme.parse::<f64>().unwrap_or(f64::NAN))
}

impl<'de> de::Deserializer<'de> for De<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.kind {
            Kind::Null => visitor.visit_unit(),
            Kind::Bool(b) => visitor.visit_bool(*b),
            Kind::Number(n) => number(n, visitor),
            Kind::String(s) => visitor.visit_str(s),
            Kind::Array(items) => visitor.visit_seq(SeqDeserializer::new(items.iter().map(De))),
            Kind::Object(members) => visitor.visit_map(MapDeserializer::new(
                members.iter().map(|m| (m.key.as_ref(), De(&m.value))),
            )),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.kind {
            Kind::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.0.kind {
            Kind::String(s) => visitor.visit_enum(s.as_ref().into_deserializer()),
            Kind::Object(members) if members.len() == 1 => visitor.visit_enum(Tagged {
                key: &members[0].key,
                value: De(&members[0].value),
            }),
            _ => Err(de::Error::custom("expected an object with one key")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// `{"Variant": value}`.
struct Tagged<'v, 'a> {
    key: &'v str,
    value: De<'v, 'a>,
}

impl<'de, 'v, 'a> EnumAccess<'de> for Tagged<'v, 'a> {
    type Error = Error;
    type Variant = De<'v, 'a>;
    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), Error> {
        let tag = seed.deserialize(IntoDeserializer::<Error>::into_deserializer(self.key))?;
        Ok((tag, self.value))
    }
}

impl<'de> VariantAccess<'de> for De<'_, '_> {
    type Error = Error;
    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }
    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Error> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}

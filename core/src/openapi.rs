//! OpenAPI schemas of the wire and argument types (feature `openapi`: the server serves them,
//! the app's wasm never carries them). The types derive `utoipa::ToSchema`; the functions here
//! give the fields whose range is a constant of `limits` (the same constants `validate` checks)
//! their schema, through `#[schema(schema_with = …)]`. It reads only `limits` and `severity`:
//! the schema of a list of some type is written beside that type.

use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::limits::{time_range_text, MAX_LINE, MAX_PASSWORD_BYTES, MAX_QTY, MAX_TEXT};
use crate::severity::Severity;

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// Free text.
pub fn text() -> Object {
    string()
        .max_length(Some(MAX_TEXT))
        .description(Some(
            "Free text: no control character but line breaks (LF, CR) and tabs",
        ))
        .build()
}

/// One-line text: titles, names, phone numbers, e-mail addresses, serials, part numbers.
pub fn line() -> Object {
    string()
        .max_length(Some(MAX_LINE))
        .description(Some(
            "One line: no control character (U+0000-U+001F, U+007F-U+009F)",
        ))
        .build()
}

/// A point in time within `limits`' range.
pub fn time() -> Object {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .description(Some(format!(
            "RFC 3339, UTC; {} (else invalid_args)",
            time_range_text()
        )))
        .build()
}

/// A calendar date within `limits`' range.
pub fn date() -> Object {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .description(Some(time_range_text()))
        .build()
}

/// A SHA-256, lower-case hex.
pub fn sha256() -> Object {
    string().pattern(Some("^[0-9a-f]{64}$")).build()
}

fn integer(min: i64, max: i64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(min))
        .maximum(Some(max))
}

/// A quantity used: 1 to `MAX_QTY`.
pub fn qty() -> Object {
    integer(1, MAX_QTY).build()
}

/// A reorder point: 0 to `MAX_QTY`.
pub fn min_qty() -> Object {
    integer(0, MAX_QTY).build()
}

/// A change of quantity: ±`MAX_QTY`, never 0.
pub fn qty_delta() -> Object {
    integer(-MAX_QTY, MAX_QTY)
        .description(Some("Never 0"))
        .build()
}

/// A mutation on the wire: the envelope every mutation shares and, per name, its arguments.
pub(crate) fn wire_mutation(each: Vec<(&'static str, RefOr<Schema>)>) -> Schema {
    let mut one_of = utoipa::openapi::schema::OneOf::builder();
    for (name, args) in each {
        one_of = one_of.item(
            ObjectBuilder::new()
                .title(Some(name))
                .property("seq", integer(1, i64::MAX))
                .required("seq")
                .property(
                    "id",
                    string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
                )
                .required("id")
                .property("name", string().enum_values(Some([name])))
                .required("name")
                .property("args", args)
                .required("args")
                .property("client_time", time())
                .required("client_time"),
        );
    }
    Schema::OneOf(one_of.build())
}

/// A password, at most `MAX_PASSWORD_BYTES`.
pub fn password() -> Object {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
        .max_length(Some(MAX_PASSWORD_BYTES))
        .description(Some("At most this many bytes of UTF-8"))
        .build()
}

impl PartialSchema for Severity {
    fn schema() -> RefOr<Schema> {
        integer(1, 4)
            .description(Some("1 (system down) to 4 (a question)"))
            .into()
    }
}

impl ToSchema for Severity {}

//! `code_enum!`: an enum whose variants travel as fixed strings, each string written once.
//! It gives the serde names, `ALL`, `as_str` and `parse` from one list.

/// `code_enum! { #[derive(…)] pub enum E { A = "a", B = "b" } }`. The derives are the
/// caller's (serde's `Serialize`/`Deserialize` among them); attributes on a variant, such as
/// a doc comment or `#[serde(other)]`, are kept. `parse` knows only the listed names: an
/// unknown one is `None` there, even where serde reads it as a `#[serde(other)]` variant.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+
        }

        impl $name {
            pub const ALL: [$name; [$($code),+].len()] = [$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

pub(crate) use code_enum;

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    code_enum! {
        #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
        pub enum Sample { One = "one", TwoWords = "two_words" }
    }

    #[test]
    fn names_round_trip_through_serde_and_parse() {
        for s in Sample::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<Sample>(&json).unwrap(), s);
            assert_eq!(Sample::parse(s.as_str()), Some(s));
        }
        assert_eq!(Sample::parse("three"), None);
    }
}

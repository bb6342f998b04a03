//! English and Simplified Chinese. Every user-facing string is a key in the
//! tables in `en.rs` and `zh.rs`; `I18n::t` reads the language signal, so text
//! re-renders when the user switches language.

mod en;
mod zh;

use leptos::prelude::*;

pub use en::EN;
pub use zh::ZH;

const STORAGE_KEY: &str = "onsite.lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    // The discriminants index `INDEX`.
    En = 0,
    Zh = 1,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// Look a key up in one language; falls back to English, then to the key itself.
pub fn lookup(lang: Lang, key: &str) -> &'static str {
    find(lang, key)
        .or_else(|| find(Lang::En, key))
        .unwrap_or_else(|| {
            leptos::logging::warn!("i18n: missing key {key}");
            "?"
        })
}

type Index = std::collections::HashMap<&'static str, &'static str>;
type Table = &'static [(&'static str, &'static str)];

thread_local! {
    // Built on first use: a case list of 500 rows looks up thousands of keys, and a linear
    // scan of a table of hundreds of entries per lookup showed in the cold-start profile.
    static EN_INDEX: Index = EN.iter().copied().collect();
    // Built when the Chinese table is there: in the app's build once `load` fetched it.
    static ZH_INDEX: std::cell::OnceCell<Index> = const { std::cell::OnceCell::new() };
}

fn find(lang: Lang, key: &str) -> Option<&'static str> {
    match lang {
        Lang::En => EN_INDEX.with(|ix| ix.get(key).copied()),
        Lang::Zh => ZH_INDEX.with(|ix| {
            #[cfg(not(feature = "split"))]
            let ix = Some(ix.get_or_init(|| index(ZH)));
            #[cfg(feature = "split")]
            let ix = ix.get();
            ix.and_then(|ix| ix.get(key).copied())
        }),
    }
}

fn index(table: Table) -> Index {
    table.iter().copied().collect()
}

/// Whether `lang`'s table is ready for `find`.
pub fn loaded(lang: Lang) -> bool {
    lang == Lang::En || cfg!(not(feature = "split")) || ZH_INDEX.with(|ix| ix.get().is_some())
}

/// The Chinese table: in the app's build a file of its own (src/pages/lazy.rs), fetched the
/// first time Chinese is chosen, so an English device never downloads it before its first
/// screen.
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(zh_table, wasm_split_path = ::leptos::wasm_split, fallible)]
fn zh_table() -> Result<Table, leptos::wasm_split::SplitLoaderError> {
    Ok(ZH)
}

/// Makes `lang`'s table ready; at once unless the Chinese table is still to be fetched.
/// Whether it is: a table that cannot be fetched (offline before the service worker had it)
/// leaves English in its place, and the next `load` tries again.
pub async fn load(lang: Lang) -> bool {
    #[cfg(feature = "split")]
    if !loaded(lang) {
        match zh_table().await {
            Ok(table) => ZH_INDEX.with(|ix| {
                ix.get_or_init(|| index(table));
            }),
            Err(e) => leptos::logging::warn!("i18n: the Chinese table: {e}"),
        }
    }
    loaded(lang)
}

/// The app's language, shared through context. Copy it into closures freely.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// The text for `key` in the current language (tracks the language signal).
    pub fn t(&self, key: &str) -> &'static str {
        lookup(self.lang.get(), key)
    }

    /// The text for `key` when the tables have it (tracks the language signal).
    pub fn try_t(&self, key: &str) -> Option<&'static str> {
        let lang = self.lang.get();
        find(lang, key).or_else(|| find(Lang::En, key))
    }

    /// `t` as a reactive view child or attribute value: `{i18n.text("key")}` does what
    /// `{move || i18n.t("key")}` does. Every call returns the same closure type, so the wasm
    /// holds one copy of the reactive view code for all of them, not one per call site.
    pub fn text(self, key: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
        move || self.t(key)
    }

    /// The text for `key`, read once in `lang` when given (for views that re-render
    /// themselves on a language change, such as case-list rows: no reactive closure each),
    /// else reactive like `text`.
    pub fn text_in(
        self,
        key: String,
        lang: Option<Lang>,
    ) -> leptos::either::Either<&'static str, impl Fn() -> &'static str + Send + Sync + 'static>
    {
        match lang {
            Some(lang) => leptos::either::Either::Left(lookup(lang, &key)),
            None => leptos::either::Either::Right(move || self.t(&key)),
        }
    }

    /// `t` with `{name}` placeholders replaced.
    pub fn tf(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut s = self.t(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// Switches language; the text changes once its table is ready (`load`). A table that
    /// cannot be fetched leaves the language as it was and calls `on_missing`, for the screen
    /// to say so.
    pub fn set(&self, lang: Lang, on_missing: impl FnOnce() + 'static) {
        let this = *self;
        let apply = move || {
            this.lang.set(lang);
            set_document_lang(lang);
            if let Some(storage) = local_storage() {
                let _ = storage.set_item(STORAGE_KEY, lang.code());
            }
        };
        if loaded(lang) {
            apply();
        } else {
            // Until the table is here the language stays as it was.
            leptos::task::spawn_local(async move {
                if load(lang).await {
                    apply();
                } else {
                    on_missing();
                }
            });
        }
    }

    pub fn toggle(&self, on_missing: impl FnOnce() + 'static) {
        let next = match self.lang.get_untracked() {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        };
        self.set(next, on_missing);
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn set_document_lang(lang: Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.code());
    }
}

/// The saved choice, else the browser's language (zh* → Chinese), else English.
pub fn initial_lang() -> Lang {
    if let Some(saved) = local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()) {
        return Lang::from_tag(&saved);
    }
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|l| Lang::from_tag(&l))
        .unwrap_or(Lang::En)
}

/// Create the language signal and put it into context: the saved language if its table is
/// here (`main` loads it first), else English (`App` says why).
pub fn provide_i18n() -> I18n {
    let lang = initial_lang();
    provide_i18n_with(if loaded(lang) { lang } else { Lang::En })
}

/// Same, with a fixed starting language (tests).
pub fn provide_i18n_with(lang: Lang) -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(lang),
    };
    set_document_lang(lang);
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().expect("I18n context (call provide_i18n)")
}

/// Key of a case status, e.g. `status.in_progress`.
pub fn status_key(s: onsite_core::CaseStatus) -> String {
    format!("status.{}", s.as_str())
}

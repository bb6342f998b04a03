//! The pages loaded on demand. In the app's build (feature `split`, set by the Makefile's trunk
//! build) each is a [`LazyRoute`](leptos_router::LazyRoute) whose view wasm-split moves out of
//! the first load. The pages come in two groups, each one file (with what they share in a few
//! more): the case's pages, and everything else. One file per page made 146 small files
//! that compressed poorly (a precache 16% larger). The service worker precaches them, so
//! they open offline too, and the case pages are preloaded once the case list is on screen.
//! Elsewhere (browser tests, clippy) [`page!`] names the page itself: an unsplit wasm has
//! nothing to load them from.
//!
//! Login and the case list stay in the first load: the engineer's first screen, with the store
//! they read. The sync engine's loop (`run_loop` in src/sync/engine.rs, started once the first
//! screen is drawn) and the Chinese table (`i18n::load`) are files of their own as well.

/// The route view of a page: `page!(StockPage)`.
#[cfg(feature = "split")]
macro_rules! page {
    ($page:ident) => {
        leptos_router::Lazy::<$crate::pages::lazy::$page>::new()
    };
}
#[cfg(not(feature = "split"))]
macro_rules! page {
    ($page:ident) => {
        $crate::pages::$page
    };
}
pub(crate) use page;

#[cfg(feature = "split")]
pub use split::*;

#[cfg(feature = "split")]
mod split {
    use leptos::prelude::*;

    /// One split file per group: `group!(file, __preload_file, preload, Enum { Page, … })`
    /// defines the file's view (`#[lazy]` names its loader `__preload_file`), `preload`, and a
    /// route type per page.
    macro_rules! group {
        ($file:ident, $loader:ident, $preload:ident, $which:ident { $($page:ident),* $(,)? }) => {
            #[derive(Clone, Copy)]
            pub enum $which {
                $($page),*
            }

            #[leptos::lazy]
            fn $file(page: $which) -> AnyView {
                match page {
                    $($which::$page => view! { <crate::pages::$page /> }.into_any()),*
                }
            }

            /// Fetches and instantiates the group's file ahead of its first page.
            pub async fn $preload() {
                $loader().await
            }

            $(
                pub struct $page;

                impl leptos_router::LazyRoute for $page {
                    fn data() -> Self {
                        $page
                    }

                    async fn view(_this: Self) -> AnyView {
                        $file($which::$page).await
                    }

                    async fn preload() {
                        $preload().await
                    }
                }
            )*
        };
    }

    group!(
        case_pages,
        __preload_case_pages,
        preload_case_pages,
        CasePage {
            CaseDetailPage,
            PartsPage,
            ReportPage,
            SignPage,
            PrintPage,
        }
    );

    group!(
        other_pages,
        __preload_other_pages,
        preload_other_pages,
        OtherPage {
            StatusPage,
            SettingsPage,
            NewCasePage,
            ReviewPage,
            DashboardPage,
            StockPage,
            DevicesPage,
            KnowledgePage,
        }
    );
}

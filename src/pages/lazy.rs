//! The pages loaded on demand. In the app's build (feature `split`, set by the Makefile's trunk
//! build) each is a [`LazyRoute`](leptos_router::LazyRoute) whose view wasm-split moves out of
//! the first load. The pages come in two groups, each one file (with what they share in a few
//! more): the case's pages, and everything else. One file per page made 146 small files
//! that compressed poorly (a precache 16% larger). The service worker precaches them, so
//! they open offline too, and the case pages are preloaded once the case list is on screen.
//! Elsewhere (browser tests, clippy) [`page!`] names the page itself: an unsplit wasm has
//! nothing to load them from.
//!
//! The login page and the case list stay in the first load: the first screen of a new device
//! and of every later start, with the store they read. The sign-in itself (`boxed_sign_in` in
//! src/pages/login.rs, fetched while the user types), the sync engine's loop (`boxed_run_loop`
//! in src/sync/engine.rs, started once the first screen is drawn) and the Chinese table
//! (`i18n::load`) are files of their own as well.
//! Every one of them is `fallible`: a file that cannot be fetched never stops the app.

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
    use leptos::wasm_split::SplitLoaderError;

    /// One split file per group: `group!(file, preload, Enum { Page, … })` defines the file's
    /// view, `preload` (fetch and compile it ahead), and a route type per page. A file that
    /// cannot be fetched (a first visit that went offline before the service worker had it)
    /// shows [`NotLoaded`] instead of stopping the app, and the next visit tries again.
    macro_rules! group {
        ($file:ident, $preload:ident, $which:ident { $($page:ident),* $(,)? }) => {
            #[derive(Clone, Copy)]
            pub enum $which {
                $($page),*
            }

            #[leptos::wasm_split::wasm_split(
                $file,
                wasm_split_path = ::leptos::wasm_split,
                preload($preload),
                fallible
            )]
            pub(crate) fn $file(page: $which) -> Result<AnyView, SplitLoaderError> {
                Ok(match page {
                    $($which::$page => view! { <crate::pages::$page /> }.into_any()),*
                })
            }

            $(
                pub struct $page;

                impl leptos_router::LazyRoute for $page {
                    fn data() -> Self {
                        $page
                    }

                    async fn view(_this: Self) -> AnyView {
                        $file($which::$page)
                            .await
                            .unwrap_or_else(|_| view! { <NotLoaded /> }.into_any())
                    }

                    async fn preload() {
                        let _ = $preload().await;
                    }
                }
            )*
        };
    }

    group!(
        case_pages,
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

    /// In place of a page whose file could not be fetched.
    #[component]
    fn NotLoaded() -> impl IntoView {
        let i18n = crate::i18n::use_i18n();
        let reload = |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        };
        view! {
            <div class="card" role="alert" data-testid="page-not-loaded">
                <p>{i18n.text("lazy.failed")}</p>
                <button class="btn" on:click=reload>{i18n.text("lazy.retry")}</button>
            </div>
        }
    }
}

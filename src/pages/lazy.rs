//! The pages loaded on demand. In the app's build (feature `split`, set by the Makefile's trunk
//! build) each is a [`LazyRoute`](leptos_router::LazyRoute) whose view wasm-split moves out of
//! the first load into a file of its own, fetched the first time the page opens (the service
//! worker precaches it, so offline too). Elsewhere (browser tests, clippy) [`page!`] names the
//! page itself: an unsplit wasm has nothing to load them from.
//!
//! Login, the case list and the case page stay in the first load: the engineer's first screen.
//! The store and sync code stay there too (lazy-loading them crashes wasm-bindgen: leptos
//! issues #4347 and #4245).

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
macro_rules! lazy_pages {
    ($($page:ident),* $(,)?) => {$(
        pub struct $page;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $page {
            fn data() -> Self {
                $page
            }

            fn view(_this: Self) -> leptos::prelude::AnyView {
                use leptos::prelude::*;
                view! { <super::$page /> }.into_any()
            }
        }
    )*};
}

#[cfg(feature = "split")]
lazy_pages!(
    StatusPage,
    SettingsPage,
    NewCasePage,
    ReviewPage,
    DashboardPage,
    StockPage,
    DevicesPage,
    KnowledgePage,
    PartsPage,
    ReportPage,
    SignPage,
    PrintPage,
);

fn main() {
    console_error_panic_hook::set_once();
    onsite::perf_mark("onsite:wasm-start");
    // A device in Chinese fetches that table (a file of its own) before its first screen.
    let lang = onsite::i18n::initial_lang();
    if onsite::i18n::loaded(lang) {
        leptos::mount::mount_to_body(onsite::App);
    } else {
        wasm_bindgen_futures::spawn_local(async move {
            // Without the table (offline before the worker had it), English stands in.
            onsite::i18n::load(lang).await;
            leptos::mount::mount_to_body(onsite::App);
        });
    }
}

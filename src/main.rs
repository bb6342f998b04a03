fn main() {
    console_error_panic_hook::set_once();
    onsite::perf_mark("onsite:wasm-start");
    leptos::mount::mount_to_body(onsite::App);
}

//! A panic never leaves the page silently blank: the hook logs it to the console and fills
//! the static `#panic-banner` element of `index.html`, which does not depend on yew.

/// Installs the panic hook. Call once, before the app renders (through yew, so that yew's
/// renderer does not replace it with its default hook).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

/// Shows the error banner with `details`.
pub fn show(details: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let Some(banner) = document.get_element_by_id("panic-banner") else {
        return;
    };
    if let Some(slot) = document.get_element_by_id("panic-details") {
        slot.set_text_content(Some(details));
    }
    let _ = banner.remove_attribute("hidden");
}

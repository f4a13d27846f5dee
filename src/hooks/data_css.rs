//! Styles a strict content-security policy allows: `data-css` attributes applied through the
//! CSSOM after each render.

use yew::prelude::*;

/// A node ref whose subtree gets its `data-css` styles applied after every render
/// ([`crate::dom::apply_data_css`]): inline styles that a strict host CSP allows.
#[hook]
pub fn use_data_css() -> NodeRef {
    let root = use_node_ref();
    {
        let root = root.clone();
        use_effect(move || {
            if let Some(element) = root.cast::<web_sys::Element>() {
                crate::dom::apply_data_css(&element);
            }
        });
    }
    root
}

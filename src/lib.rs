//! attnscope, the web app: a yew front end over `attnscope-core` (CPU reference) and
//! `attnscope-gpu` (WebGPU engine). Data flows one way: input → engine → result → views.
#![warn(missing_docs)]

pub mod app;
pub mod components;
pub mod diagnostics;
pub mod dom;
pub mod embed;
pub mod engine;
pub mod hooks;
pub mod panic_banner;
pub mod plot;
pub mod route;
pub mod theme;
pub mod views;

/// Starts the app in the page's `<div id="app" data-attnscope-app>`. On any other page (a
/// documentation page that loaded `embed.js` for its `<attn-scope>` elements) it does nothing:
/// the elements mount themselves.
pub fn run() {
    let Some(root) = dom::document()
        .get_element_by_id("app")
        .filter(|root| root.has_attribute("data-attnscope-app"))
    else {
        return;
    };
    panic_banner::install();
    diagnostics::install();
    root.set_inner_html(""); // the static "loading" message
    yew::Renderer::<app::App>::with_root(root).render();
}
